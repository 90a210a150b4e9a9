/**
 * The DatasetExportJob kind on the shared manager: its gateway to Personalize (client pool, adaptive rate,
 * per-dataset pollers), its reconciler, and its controller, which ranks polls of running jobs before Creates.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  GROUP,
  KIND,
  PAUSED_ANNOTATION,
  PLURAL,
  RECONCILE_REQUESTED_ANNOTATION,
  SINGULAR,
  VERSION,
} from '../../api/schema.js';
import type { DatasetExportJob, DatasetExportJobStatus } from '../../api/types.js';
import { ExportJobGateway } from '../../personalize-job/gateway.js';
import { ExportJobReconciler } from '../../personalize-job/reconciler.js';
import { scopeOf } from '../../personalize-job/tenancy.js';
import type { Controller } from '../../runtime/controller.js';
import { Indexer } from '../../runtime/indexer.js';
import { NamespaceAnnotationReader } from '../../runtime/namespace-annotations.js';
import { keyOf } from '../../runtime/object-key.js';
import { generationOrAnnotations } from '../../runtime/predicates.js';
import { statusWriter } from '../../runtime/status-writer.js';
import type { KindContext } from '../kind.js';

const RESOURCE = { group: GROUP, version: VERSION, plural: PLURAL, kind: KIND };

export function setup({
  manager,
  kubeConfig,
  logger,
  options,
  settings,
  metrics,
  events,
  onStop,
}: KindContext) {
  const gateway = new ExportJobGateway({
    endpoint: options.personalizeEndpoint,
    stsEndpoint: options.stsEndpoint,
    rateLimit: options.awsRateLimit,
    timeoutMs: options.awsTimeoutMs,
    connectTimeoutMs: options.awsConnectTimeoutMs,
    listFreshMs: Math.min(2_000, (options.pollMinMs ?? 5_000) / 2),
    logger,
    count: (operation, outcome) => metrics.awsRequests.inc({ operation, outcome }),
    throttled: (operation) => metrics.awsThrottledAttempts.inc({ operation }),
    // A dataset's poller saw a job move: its resource reconciles now, from that listing.
    changed: (key) => controller.wake(key),
  });
  onStop(() => gateway.destroy());
  const namespaces = new NamespaceAnnotationReader(kubeConfig, logger);
  // Resources by the job ARN their status records: who else manages a job, without a scan of the cache.
  const recordedArns = new Indexer<DatasetExportJob>((obj) => obj.status?.datasetExportJobArn);
  const patchStatus = statusWriter<DatasetExportJobStatus>(kubeConfig, RESOURCE, 'personalize-operator');
  const reconciler = new ExportJobReconciler(
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
  const controller = manager.add<DatasetExportJob>({
    name: SINGULAR,
    resource: RESOURCE,
    reconciler,
    trigger: generationOrAnnotations(RECONCILE_REQUESTED_ANNOTATION, PAUSED_ANNOTATION),
    // Polls of existing jobs before Creates: a burst of new resources waiting for the Create rate limit never
    // delays the status of running jobs.
    priority: (obj) => (obj.status?.datasetExportJobArn ? 0 : 1),
    indexers: [recordedArns],
    concurrency: options.concurrency ?? 4,
    ...settings,
  });
  manager.addCollector(() => metrics.collect(controller.list()));
  manager.addCollector(() => metrics.collectRates(gateway.rates()));
  return controller as unknown as Controller<KubernetesObject>;
}
