/**
 * Assembles the operator: the manager, the DatasetExportJob controller with its reconciler and gateway, and
 * the schedule controller beside it.
 */
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  GROUP,
  KIND,
  PAUSED_ANNOTATION,
  PLURAL,
  RECONCILE_REQUESTED_ANNOTATION,
  SINGULAR,
  VERSION,
} from './api/schema.js';
import type { DatasetExportJob, DatasetExportJobStatus } from './api/types.js';
import { PersonalizeGateway } from './aws/gateway.js';
import { PersonalizeMetrics } from './observability/metrics.js';
import { Reconciler } from './reconciler/reconciler.js';
import { fastClock, realClock } from './reconciler/schedule/schedule-reconciler.js';
import { scopeOf } from './reconciler/tenancy.js';
import { EventRecorder } from './runtime/events.js';
import { Indexer } from './runtime/indexer.js';
import { Manager } from './runtime/manager.js';
import { NamespaceAnnotationReader } from './runtime/namespace-annotations.js';
import { keyOf } from './runtime/object-key.js';
import { generationOrAnnotations } from './runtime/predicates.js';
import { statusWriter } from './runtime/status-writer.js';
import { addScheduleController } from './schedule-controller.js';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  region?: string;
  personalizeEndpoint?: string;
  stsEndpoint?: string;
  /** How status is read: one List per dataset (default) or one Describe per job. */
  statusSource?: 'list' | 'describe';
  /** Client-side request rate per (account, region). */
  awsRateLimit?: { perSecond: number; burst: number };
  namespaces?: string[];
  labelSelector?: string;
  concurrency?: number;
  pollMinMs?: number;
  pollMaxMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  actionableRetryMs?: number;
  resyncMs?: number;
  watchTimeoutSeconds?: number;
  /** /healthz fails once a watch has been down, or queued work has made no progress, this long. */
  stallTimeoutMs?: number;
  /** The longest one AWS call may take, retries included; connecting is given `awsConnectTimeoutMs`. */
  awsTimeoutMs?: number;
  awsConnectTimeoutMs?: number;
  /** Jobs the operator did not create may be adopted in every namespace (else only where annotated). */
  allowAdoption?: boolean;
  /** Never call AWS with the operator's own identity: each namespace must name its role. */
  requireNamespaceRole?: boolean;
  /** Where /metrics is served (`{host, port}`); not served when absent. */
  metricsAddr?: { host: string; port: number };
  /** Where /healthz and /readyz are served; not served when absent. */
  healthAddr?: { host: string; port: number };
  /** Reconcile only while holding this Lease; without it, reconcile at once (one replica). */
  leaderElection?: {
    namespace: string;
    name: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  /** Called when leadership is lost; the CLI exits so that a fresh process campaigns again. */
  onLeadershipLost?: () => void;
  /** Schedules read a clock this many times faster than real time (tests and demos); real time by default. */
  scheduleClockSpeed?: number;
  /** Where that faster clock starts (ms since the epoch): operators given the same one read the same time. */
  scheduleClockEpoch?: number;
  /** Distinguishes replicas in Lease and Events; hostname and pid by default. */
  identity?: string;
}

export interface Operator {
  /** The manager's registry: the runtime's metrics and the operator's own. */
  registry: Registry;
  metricsUrl?: string;
  healthUrl?: string;
  stop(graceMs?: number): Promise<void>;
}

const RESOURCE = { group: GROUP, version: VERSION, plural: PLURAL, kind: KIND };

/** Assembles and starts the operator; resolves once its caches are synced and reconciling has begun. */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const { kubeConfig, logger } = options;
  const identity = options.identity ?? `${hostname()}-${process.pid}`;
  const manager = new Manager({
    kubeConfig,
    logger,
    metricsAddr: options.metricsAddr,
    healthAddr: options.healthAddr,
    leaderElection: options.leaderElection && {
      namespace: options.leaderElection.namespace,
      name: options.leaderElection.name,
      identity,
      leaseDurationMs: options.leaderElection.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.leaderElection.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.leaderElection.retryPeriodMs ?? 2_000,
    },
    onLeadershipLost: options.onLeadershipLost,
  });
  const metrics = new PersonalizeMetrics(manager.metrics.registry);
  const gateway = new PersonalizeGateway({
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
  const namespaces = new NamespaceAnnotationReader(kubeConfig, logger);
  // Resources by the job ARN their status records: who else manages a job, without a scan of the cache.
  const recordedArns = new Indexer<DatasetExportJob>((obj) => obj.status?.datasetExportJobArn);
  const events = new EventRecorder(kubeConfig, `${GROUP}/operator`, identity, logger);
  const patchStatus = statusWriter<DatasetExportJobStatus>(kubeConfig, RESOURCE, 'personalize-operator');
  const reconciler = new Reconciler(
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
  // What every controller of the operator watches, and how it retries.
  const settings = {
    namespaces: options.namespaces ?? [],
    labelSelector: options.labelSelector,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 5 * 60_000,
    resyncMs: options.resyncMs ?? 10 * 60_000,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
    stallTimeoutMs: options.stallTimeoutMs ?? 2 * 60_000,
  };
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
  addScheduleController(manager, {
    kubeConfig,
    events,
    metrics,
    jobs: controller,
    clock: options.scheduleClockSpeed
      ? fastClock(options.scheduleClockSpeed, options.scheduleClockEpoch)
      : realClock,
    settings,
  });
  manager.addCollector(() => metrics.collect(controller.list()));
  manager.addCollector(() => metrics.collectRates(gateway.rates()));
  await manager.start();
  logger.info(
    { namespaces: options.namespaces?.length ? options.namespaces : 'all', region: options.region },
    'operator started',
  );
  return {
    registry: manager.metrics.registry,
    metricsUrl: manager.metricsUrl,
    healthUrl: manager.healthUrl,
    stop: async (graceMs = 10_000) => {
      const drained = await manager.stop(graceMs, () => gateway.destroy());
      logger.info({ drained }, 'operator stopped');
    },
  };
}
