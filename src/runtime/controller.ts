/**
 * One controller: informers (one per watched namespace, or one cluster-wide) feeding a work queue whose
 * workers call a reconciler, for any custom resource. Nothing here knows what the resource means.
 */
import { randomUUID } from 'node:crypto';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Indexer } from './indexer.js';
import { ResilientInformer } from './informer.js';
import type { RuntimeMetrics } from './metrics.js';
import { keyOf, objectKey, splitKey } from './object-key.js';
import type { Trigger } from './predicates.js';
import type { Reconciler, ResourceType, Result } from './reconcile.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerOptions<T extends KubernetesObject> {
  /** Names the controller in logs and in every metric label (`controller="…"`, `name="…"`). */
  name: string;
  resource: ResourceType;
  reconciler: Reconciler<T>;
  /** What wakes an object; changes that leave it unchanged (such as status writes) do not. */
  trigger: Trigger<T>;
  /** Lower runs first: an object that needs no slow call need not wait behind those that do. */
  priority?: (obj: T) => number;
  /** Secondary indexes over the cache, kept current from the watch. */
  indexers?: Indexer<T>[];
  kubeConfig: KubeConfig;
  /** Namespaces to watch; all when empty. */
  namespaces: string[];
  labelSelector?: string;
  concurrency: number;
  /**
   * Random spread added to requeue delays (default 0.2), so a fleet does not move in lockstep; 0 for
   * reconcilers that must act at a given time.
   */
  jitter?: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A full re-queue of every object this often, a safety net for missed events. */
  resyncMs: number;
  watchTimeoutSeconds: number;
  /** Health fails once a watch has been down, or queued work has seen no reconcile finish, this long. */
  stallTimeoutMs: number;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Fill the cache and queue but reconcile nothing until `resume()` (a standby without the lease). */
  startPaused: boolean;
}

export class Controller<T extends KubernetesObject> {
  private readonly informers: ResilientInformer<T>[];
  private readonly queue: WorkQueue;
  private resync: NodeJS.Timeout | undefined;
  /** The trigger value last queued per key: a change that leaves it equal needs no reconcile. */
  private readonly triggeredBy = new Map<string, string>();
  private readonly indexers: Indexer<T>[];
  /** Told of every change and delete: the controllers that own these objects. */
  private readonly watchers: ((obj: T) => void)[] = [];

  constructor(private readonly options: ControllerOptions<T>) {
    const { name, logger, metrics } = options;
    metrics.register(name);
    this.indexers = [...(options.indexers ?? [])];
    const scopes = options.namespaces.length ? options.namespaces : [undefined];
    this.informers = scopes.map(
      (namespace) =>
        new ResilientInformer<T>({
          kubeConfig: options.kubeConfig,
          resource: { ...options.resource, namespace },
          labelSelector: options.labelSelector,
          watchTimeoutSeconds: options.watchTimeoutSeconds,
          onChange: (obj) => this.changed(obj),
          onDelete: (obj) => this.deleted(obj),
          onRecovered: () => {
            const retried = this.queue.retryFailedNow();
            logger.info({ controller: name, retried }, 'watch back: retrying what failed meanwhile');
          },
          logger,
        }),
    );
    this.queue = new WorkQueue((key) => this.reconcileKey(key), {
      concurrency: options.concurrency,
      backoffBaseMs: options.backoffBaseMs,
      backoffMaxMs: options.backoffMaxMs,
      jitter: options.jitter ?? 0.2,
      logger,
      paused: options.startPaused,
      priority: options.priority
        ? (key) => {
            const obj = this.get(key);
            return obj ? options.priority!(obj) : 0;
          }
        : undefined,
      onDequeue: (seconds) => metrics.queueDuration.observe({ name }, seconds),
    });
  }

  get name(): string {
    return this.options.name;
  }

  private changed(obj: T): void {
    const key = keyOf(obj);
    for (const indexer of this.indexers) indexer.update(key, obj);
    for (const watcher of this.watchers) watcher(obj);
    const trigger = this.options.trigger(obj);
    if (this.triggeredBy.get(key) === trigger) return;
    this.triggeredBy.set(key, trigger);
    this.enqueue(key);
  }

  private deleted(obj: T): void {
    const key = keyOf(obj);
    for (const indexer of this.indexers) indexer.update(key, undefined);
    for (const watcher of this.watchers) watcher(obj);
    this.queue.remove(key);
    this.triggeredBy.delete(key);
    this.options.reconciler.forget?.(obj);
  }

  /**
   * Declares that this controller's objects own `child`'s (controller-runtime's `Owns`, kube-rs' `owns`): a
   * child that changes or goes wakes the owner its controller ownerReference names, and the returned function
   * lists an owner's children from the child controller's cache. Call it before the manager starts.
   */
  owns<C extends KubernetesObject>(child: Controller<C>): (owner: T) => C[] {
    const { group, version, kind } = this.options.resource;
    const ownerOf = (obj: C): string | undefined => {
      const ref = obj.metadata?.ownerReferences?.find(
        (r) => r.controller && r.kind === kind && r.apiVersion === `${group}/${version}`,
      );
      return ref ? objectKey(obj.metadata?.namespace ?? '', ref.name) : undefined;
    };
    const byOwner = new Indexer<C>(ownerOf);
    child.indexers.push(byOwner);
    child.watchers.push((obj) => {
      const owner = ownerOf(obj);
      if (owner) this.wake(owner);
    });
    return (owner) => byOwner.get(keyOf(owner));
  }

  /** Reconciles `key` soon, whatever its trigger says. */
  wake(key: string): void {
    this.enqueue(key);
  }

  private enqueue(key: string): void {
    this.options.metrics.queueAdds.inc({ name: this.options.name });
    this.queue.add(key);
  }

  get(key: string): T | undefined {
    const { namespace, name } = splitKey(key);
    for (const informer of this.informers) {
      const obj = informer.get(name, namespace);
      if (obj) return obj;
    }
    return undefined;
  }

  /** Every cached object, for gauges and resyncs. */
  *list(): Iterable<T> {
    for (const informer of this.informers) yield* informer.list();
  }

  /**
   * Reconciles one key and reads the result in this one place, which both schedules the key's next turn
   * and counts the outcome, as controller-runtime's reconcileHandler does.
   */
  private async reconcileKey(key: string): Promise<void> {
    const obj = this.get(key);
    if (!obj) return;
    const { name, metrics, logger, resource } = this.options;
    // One ID per reconcile, on every line it logs, as controller-runtime's reconcileID: a reconcile's lines
    // can be told apart from the next one's of the same key.
    const log = logger.child({
      controller: name,
      key,
      reconcileID: randomUUID(),
      generation: obj.metadata?.generation,
    });
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let result: Result;
    metrics.activeWorkers.inc({ controller: name });
    try {
      result = await this.options.reconciler.reconcile(
        { ...obj, apiVersion: `${resource.group}/${resource.version}`, kind: resource.kind },
        log,
      );
    } catch (err) {
      log.error({ err }, 'reconcile failed');
      metrics.reconciled(name, 'error', seconds());
      metrics.queueRetries.inc({ name });
      this.queue.retryLater(key);
      return;
    } finally {
      metrics.activeWorkers.dec({ controller: name });
    }
    switch (result.kind) {
      case 'none':
        metrics.reconciled(name, 'success', seconds());
        this.queue.settled(key);
        break;
      case 'after':
        metrics.reconciled(name, 'requeue_after', seconds());
        this.queue.succeeded(key);
        this.queue.addAfter(key, this.queue.jittered(result.ms));
        break;
      case 'backoff':
        metrics.reconciled(name, 'backoff', seconds());
        metrics.queueRetries.inc({ name });
        this.queue.retryLater(key);
        break;
    }
    // What was decided about the key's next turn: the line that says the operator looked, and when it will again.
    log.debug(
      { result: result.kind, ...(result.kind === 'after' ? { requeueAfterMs: result.ms } : {}) },
      'reconciled',
    );
  }

  /** What is wrong, for /healthz: a watch down for too long, or queued work making no progress. */
  health(): { watch?: string; progress?: string } {
    const limit = this.options.stallTimeoutMs;
    const down = Math.max(0, ...this.informers.map((i) => i.downForMs));
    const stalledFor = this.queue.stalledForMs;
    const problems: { watch?: string; progress?: string } = {};
    if (down > limit)
      problems.watch = `${this.options.name}: a watch has been down for ${Math.round(down / 1000)}s`;
    if (stalledFor > limit)
      problems.progress = `${this.options.name}: no reconcile finished for ${Math.round(stalledFor / 1000)}s while ${this.queue.depth} keys wait`;
    return problems;
  }

  /** Refreshes the gauges the runtime reads from its own state. */
  collect(): void {
    this.options.metrics.queueDepth.set({ name: this.options.name }, this.queue.depth);
  }

  get synced(): boolean {
    return this.informers.every((i) => i.hasSynced);
  }

  /** Starts reconciling: a standby calls this once it leads. */
  resume(): void {
    this.queue.resume();
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
    this.resync = setInterval(() => {
      for (const obj of this.list()) this.enqueue(keyOf(obj));
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
