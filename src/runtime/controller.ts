import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { resourceKey } from '../api/resource-key.js';
import {
  GROUP,
  KIND,
  PAUSED_ANNOTATION,
  PLURAL,
  RECONCILE_REQUESTED_ANNOTATION,
  VERSION,
} from '../api/schema.js';
import type { DatasetExportJob } from '../api/types.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import { findCondition } from '../reconciler/conditions.js';
import type { Requeue } from '../reconciler/decide.js';
import type { Reconciler } from '../reconciler/reconciler.js';
import { ResilientInformer } from './informer.js';
import { replacingMergePatch } from './merge-patch.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; all when empty. */
  namespaces: string[];
  labelSelector?: string;
  concurrency: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A full re-queue of every object this often, a safety net for missed events. */
  resyncMs: number;
  watchTimeoutSeconds: number;
  /** /healthz fails once a watch has been down, or queued work has seen no reconcile finish, this long. */
  stallTimeoutMs: number;
  logger: Logger;
  metrics: OperatorMetrics;
  /** Fill the cache and queue but reconcile nothing until `queue.resume()` (leader election). */
  startPaused: boolean;
}

/** Wires informers (one per watched namespace, or one cluster-wide) to a work queue and the reconciler. */
export class Controller {
  private readonly informers: ResilientInformer<DatasetExportJob>[];
  readonly queue: WorkQueue;
  private resync: NodeJS.Timeout | undefined;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly options: ControllerOptions,
  ) {
    const scopes = options.namespaces.length ? options.namespaces : [undefined];
    this.informers = scopes.map(
      (namespace) =>
        new ResilientInformer<DatasetExportJob>({
          kubeConfig: options.kubeConfig,
          resource: { group: GROUP, version: VERSION, plural: PLURAL, namespace },
          labelSelector: options.labelSelector,
          watchTimeoutSeconds: options.watchTimeoutSeconds,
          onChange: (obj) => this.changed(obj),
          onDelete: (obj) => {
            options.logger.info(
              { key: resourceKey(obj), arn: obj.status?.datasetExportJobArn },
              'resource deleted; the AWS job and its files stay',
            );
            this.queue.forget(resourceKey(obj));
            this.reconciler.forget(obj);
            this.queuedFor.delete(resourceKey(obj));
          },
          onRecovered: () => {
            const retried = this.queue.retryFailedNow();
            options.logger.info({ retried }, 'watch back: retrying what failed meanwhile');
          },
          logger: options.logger,
        }),
    );
    this.queue = new WorkQueue((key) => this.reconcileKey(key), {
      concurrency: options.concurrency,
      backoffBaseMs: options.backoffBaseMs,
      backoffMaxMs: options.backoffMaxMs,
      jitter: 0.2,
      logger: options.logger,
      paused: options.startPaused,
      priority: (key) => (this.get(key)?.status?.datasetExportJobArn ? 0 : 1),
      onDequeue: (seconds) => options.metrics.queueDuration.observe({ name: 'datasetexportjob' }, seconds),
    });
  }

  /**
   * What was last queued per key, the generation, any reconcile request and the pause: status-only updates
   * (mostly our own writes) and other metadata changes need no reconcile.
   */
  private readonly queuedFor = new Map<string, string>();

  private changed(obj: DatasetExportJob): void {
    const key = resourceKey(obj);
    const annotations = obj.metadata?.annotations ?? {};
    const trigger = JSON.stringify([
      obj.metadata?.generation,
      annotations[RECONCILE_REQUESTED_ANNOTATION],
      annotations[PAUSED_ANNOTATION],
    ]);
    if (this.queuedFor.get(key) === trigger) return;
    this.queuedFor.set(key, trigger);
    this.enqueue(key);
  }

  private enqueue(key: string): void {
    this.options.metrics.queueAdds.inc({ name: 'datasetexportjob' });
    this.queue.add(key);
  }

  private get(key: string): DatasetExportJob | undefined {
    const [namespace, name] = key.split('/') as [string, string];
    for (const informer of this.informers) {
      const obj = informer.get(name, namespace);
      if (obj) return obj;
    }
    return undefined;
  }

  private async reconcileKey(key: string): Promise<Requeue> {
    const obj = this.get(key);
    if (!obj) return { kind: 'none' };
    const log = this.options.logger.child({ key, generation: obj.metadata?.generation });
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const requeue = await this.reconciler.reconcile(
        { ...obj, apiVersion: `${GROUP}/${VERSION}`, kind: KIND },
        log,
      );
      const result =
        requeue.kind === 'none' ? 'success' : requeue.kind === 'after' ? 'requeue_after' : 'backoff';
      this.options.metrics.reconciled(result, seconds());
      if (requeue.kind === 'backoff') this.options.metrics.queueRetries.inc({ name: 'datasetexportjob' });
      return requeue;
    } catch (err) {
      this.options.metrics.reconciled('error', seconds());
      this.options.metrics.queueRetries.inc({ name: 'datasetexportjob' });
      throw err;
    }
  }

  /** Another cached resource (namespace/name) whose status records this job's ARN; a scan, for adoptions only. */
  recordedBy(arn: string, uid: string): string | undefined {
    for (const informer of this.informers) {
      for (const obj of informer.list()) {
        if (obj.status?.datasetExportJobArn === arn && obj.metadata?.uid !== uid) return resourceKey(obj);
      }
    }
    return undefined;
  }

  /** Refreshes gauges that are read from the cache rather than counted. */
  collect(): void {
    const { metrics } = this.options;
    metrics.queueDepth.set({ name: 'datasetexportjob' }, this.queue.depth);
    this.health();
    metrics.jobs.reset();
    metrics.resourcesBySync.reset();
    for (const informer of this.informers) {
      for (const obj of informer.list()) {
        metrics.jobs.inc({ status: obj.status?.status ?? 'NONE' });
        const conditions = obj.status?.conditions;
        metrics.resourcesBySync.inc({
          sync: findCondition(conditions, 'Synced')?.reason ?? 'None',
          stalled: findCondition(conditions, 'Stalled')?.status === 'True' ? 'true' : 'false',
        });
      }
    }
  }

  /** What is wrong, for /healthz: a watch down or silent for too long, or queued work making no progress. */
  health(): { watch?: string; progress?: string } {
    const limit = this.options.stallTimeoutMs;
    const down = Math.max(0, ...this.informers.map((i) => i.downForMs));
    const stalledFor = this.queue.stalledForMs;
    const problems: { watch?: string; progress?: string } = {};
    if (this.informers.some((i) => i.stalled) || down > limit)
      problems.watch = `a watch has been down for ${Math.round(down / 1000)}s`;
    if (stalledFor > limit)
      problems.progress = `no reconcile finished for ${Math.round(stalledFor / 1000)}s while ${this.queue.depth} keys wait`;
    const { metrics } = this.options;
    metrics.health.set({ check: 'watch' }, problems.watch ? 0 : 1);
    metrics.health.set({ check: 'progress' }, problems.progress ? 0 : 1);
    return problems;
  }

  get synced(): boolean {
    return this.informers.every((i) => i.hasSynced);
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
    this.resync = setInterval(() => {
      for (const informer of this.informers)
        for (const obj of informer.list()) this.enqueue(resourceKey(obj));
    }, this.options.resyncMs);
    this.resync.unref();
  }

  /** Stops watching, then lets reconciles in flight finish within `graceMs`. */
  async stop(graceMs: number): Promise<boolean> {
    clearInterval(this.resync);
    await Promise.all(this.informers.map((i) => i.stop()));
    return this.queue.shutdown(graceMs);
  }
}

/** Writes status through the /status subresource with a JSON merge patch (never touching spec). */
export function statusWriter(kubeConfig: KubeConfig) {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  return async (obj: DatasetExportJob, status: DatasetExportJob['status']) => {
    await api.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        namespace: obj.metadata?.namespace ?? '',
        plural: PLURAL,
        name: obj.metadata?.name ?? '',
        body: { status: replacingMergePatch(obj.status ?? {}, status ?? {}) },
        fieldManager: 'personalize-operator',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  };
}
