/**
 * A Personalize job kind's controller on the shared manager, the same for every job kind: its gateway to
 * Personalize (client pool, adaptive rate, per-parent pollers), the lifecycle's reconciler, and a controller
 * that ranks polls of running jobs before Creates.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { PAUSED_ANNOTATION, RECONCILE_REQUESTED_ANNOTATION } from '../api/annotations.js';
import { JobGateway } from '../personalize-job/gateway.js';
import type { JobKind } from '../personalize-job/job-kind.js';
import type { JobSpec, StoredJob } from '../personalize-job/job-resource.js';
import { JobReconciler } from '../personalize-job/reconciler.js';
import { scopeOf } from '../personalize-job/tenancy.js';
import type { Controller } from '../runtime/controller.js';
import { Indexer } from '../runtime/indexer.js';
import { NamespaceAnnotationReader } from '../runtime/namespace-annotations.js';
import { keyOf } from '../runtime/object-key.js';
import { generationOrAnnotations } from '../runtime/predicates.js';
import type { ResourceType } from '../runtime/reconcile.js';
import { statusWriter } from '../runtime/status-writer.js';
import type { KindContext } from './kind.js';

export function setupJobController<S extends JobSpec, I, T extends StoredJob<S>>(
  kind: JobKind<S, I>,
  resource: ResourceType & { singular: string },
  { manager, kubeConfig, logger, options, settings, metrics, events, onStop }: KindContext,
): Controller<KubernetesObject> {
  const gateway = new JobGateway<I>({
    kind,
    endpoint: options.personalizeEndpoint,
    stsEndpoint: options.stsEndpoint,
    rateLimit: options.awsRateLimit,
    timeoutMs: options.awsTimeoutMs,
    connectTimeoutMs: options.awsConnectTimeoutMs,
    listFreshMs: Math.min(2_000, (options.pollMinMs ?? 5_000) / 2),
    logger,
    count: (operation, outcome) => metrics.awsRequests.inc({ operation, outcome }),
    throttled: (operation) => metrics.awsThrottledAttempts.inc({ operation }),
    // A parent's poller saw a job move: its resource reconciles now, from that listing.
    changed: (key) => controller.wake(key),
  });
  onStop(() => gateway.destroy());
  const arnOf = (obj: T) => (obj.status as Record<string, string | undefined> | undefined)?.[kind.arnField];
  const namespaces = new NamespaceAnnotationReader(kubeConfig, logger);
  // Resources by the job ARN their status records: who else manages a job, without a scan of the cache.
  const recordedArns = new Indexer<T>(arnOf);
  const patchStatus = statusWriter<object>(kubeConfig, resource, 'personalize-operator');
  const reconciler = new JobReconciler<S, I, T>(
    kind,
    gateway,
    {
      writeStatus: async (obj, status) => {
        await patchStatus(obj, status);
        metrics.statusWrites.inc();
      },
      recordEvent: (obj, event) => events.record(obj, event),
      jobFinished: (status, seconds) => metrics.jobDuration.observe({ status }, seconds),
      recordedBy: (arn, uid) => {
        const other = recordedArns.get(arn).find((o) => o.metadata?.uid !== uid);
        return other && keyOf(other);
      },
    },
    {
      defaultRegion: options.region,
      statusSource: options.statusSource ?? 'list',
      namespaceScope: async (namespace) => scopeOf(await namespaces.read(namespace)),
      pollMinMs: options.pollMinMs ?? 5_000,
      pollMaxMs: options.pollMaxMs ?? 60_000,
      actionableRetryMs: options.actionableRetryMs ?? 5 * 60_000,
      allowAdoption: options.allowAdoption ?? false,
      requireNamespaceRole: options.requireNamespaceRole ?? false,
    },
  );
  const controller = manager.add<T>({
    name: resource.singular,
    resource,
    reconciler,
    trigger: generationOrAnnotations(RECONCILE_REQUESTED_ANNOTATION, PAUSED_ANNOTATION),
    // Polls of existing jobs before Creates: a burst of new resources waiting for the Create rate limit never
    // delays the status of running jobs.
    priority: (obj) => (arnOf(obj) ? 0 : 1),
    indexers: [recordedArns],
    concurrency: options.concurrency ?? 4,
    ...settings,
  });
  metrics.addJobs(kind.kind, () => controller.list());
  metrics.addRates(() => gateway.rates());
  return controller as unknown as Controller<KubernetesObject>;
}
