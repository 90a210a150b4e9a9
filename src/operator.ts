import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { PersonalizeGateway } from './aws/gateway.js';
import { serve } from './observability/http-server.js';
import { OperatorMetrics } from './observability/metrics.js';
import { Reconciler } from './reconciler/reconciler.js';
import { Controller, statusWriter } from './runtime/controller.js';
import { EventRecorder } from './runtime/events.js';
import { PooledKubeConfig } from './runtime/kube-config.js';
import { LeaderElector } from './runtime/leader-election.js';
import { NamespaceSettings } from './runtime/namespace-settings.js';

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
  /** Distinguishes replicas in Lease and Events; hostname and pid by default. */
  identity?: string;
}

export interface Operator {
  controller: Controller;
  elector?: LeaderElector;
  metrics: OperatorMetrics;
  metricsUrl?: string;
  healthUrl?: string;
  stop(graceMs?: number): Promise<void>;
}

/** Assembles and starts the operator; resolves once its caches are synced and reconciling has begun. */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const { kubeConfig, logger } = options;
  const metrics = new OperatorMetrics();
  const gateway = new PersonalizeGateway({
    endpoint: options.personalizeEndpoint,
    stsEndpoint: options.stsEndpoint,
    rateLimit: options.awsRateLimit,
    timeoutMs: options.awsTimeoutMs,
    connectTimeoutMs: options.awsConnectTimeoutMs,
    listFreshMs: Math.min(2_000, (options.pollMinMs ?? 5_000) / 2),
    logger,
    metrics,
  });
  const namespaces = new NamespaceSettings(kubeConfig, logger);
  const identity = options.identity ?? `${hostname()}-${process.pid}`;
  const events = new EventRecorder(kubeConfig, identity, logger);
  const patchStatus = statusWriter(kubeConfig);
  const writeStatus: typeof patchStatus = async (obj, status) => {
    await patchStatus(obj, status);
    metrics.statusWrites.inc();
  };
  const reconciler = new Reconciler(
    gateway,
    {
      writeStatus,
      recordEvent: (obj, event) => events.record(obj, event),
      jobFinished: (status, seconds) => metrics.jobDuration.observe({ status }, seconds),
      // Called while reconciling, so only after the controller below exists.
      recordedBy: (arn, uid): string | undefined => controller.recordedBy(arn, uid),
    },
    {
      defaultRegion: options.region,
      statusSource: options.statusSource ?? 'list',
      namespaceScope: (namespace) => namespaces.scopeOf(namespace),
      pollMinMs: options.pollMinMs ?? 5_000,
      pollMaxMs: options.pollMaxMs ?? 60_000,
      actionableRetryMs: options.actionableRetryMs ?? 5 * 60_000,
      allowAdoption: options.allowAdoption ?? false,
      requireNamespaceRole: options.requireNamespaceRole ?? false,
    },
  );
  const controller = new Controller(reconciler, {
    kubeConfig,
    namespaces: options.namespaces ?? [],
    labelSelector: options.labelSelector,
    concurrency: options.concurrency ?? 4,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 5 * 60_000,
    resyncMs: options.resyncMs ?? 10 * 60_000,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
    stallTimeoutMs: options.stallTimeoutMs ?? 2 * 60_000,
    logger,
    metrics,
    startPaused: options.leaderElection !== undefined,
  });
  // Probes answer from the start: not ready until the caches are synced.
  const health = options.healthAddr
    ? await serve(options.healthAddr, {
        '/healthz': async () => {
          const problems = Object.values(controller.health());
          return problems.length
            ? { status: 503, body: `${problems.join('\n')}\n` }
            : { status: 200, body: 'ok\n' };
        },
        '/readyz': async () =>
          controller.synced ? { status: 200, body: 'ok\n' } : { status: 503, body: 'caches not synced\n' },
      })
    : undefined;
  const metricsServer = options.metricsAddr
    ? await serve(options.metricsAddr, {
        '/metrics': async () => {
          controller.collect();
          return {
            status: 200,
            body: await metrics.registry.metrics(),
            contentType: metrics.registry.contentType,
          };
        },
      })
    : undefined;
  const healthUrl = health?.url;
  const metricsUrl = metricsServer?.url;
  await controller.start();
  let elector: LeaderElector | undefined;
  if (options.leaderElection) {
    const { namespace, name, leaseDurationMs, renewDeadlineMs, retryPeriodMs } = options.leaderElection;
    elector = new LeaderElector({
      kubeConfig,
      namespace,
      name,
      identity,
      leaseDurationMs: leaseDurationMs ?? 15_000,
      renewDeadlineMs: renewDeadlineMs ?? 10_000,
      retryPeriodMs: retryPeriodMs ?? 2_000,
      logger,
    });
    metrics.leader.set({ name }, 0);
    elector.run(
      () => {
        metrics.leader.set({ name }, 1);
        controller.queue.resume();
      },
      () => {
        metrics.leader.set({ name }, 0);
        // Stop reconciling at once: the lease may soon belong to another replica.
        void controller.stop(0).then(() => options.onLeadershipLost?.());
      },
    );
  }
  logger.info(
    { namespaces: options.namespaces?.length ? options.namespaces : 'all', region: options.region },
    'operator started',
  );
  return {
    controller,
    metrics,
    metricsUrl,
    healthUrl,
    elector,
    stop: async (graceMs = 10_000) => {
      const drained = await controller.stop(graceMs);
      // Hand the lease over only after in-flight work is done, so two leaders never overlap.
      await elector?.release();
      gateway.destroy();
      if (kubeConfig instanceof PooledKubeConfig) kubeConfig.destroyAgents();
      health?.server.close();
      metricsServer?.server.close();
      logger.info({ drained }, 'operator stopped');
    },
  };
}
