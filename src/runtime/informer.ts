/**
 * A list-and-watch cache that survives API server outages and silent connections.
 */
import {
  ApiException,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { StringPool } from './string-pool.js';

export interface InformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** The custom resource to watch, in one namespace or, without one, in all. */
  resource: { group: string; version: string; plural: string; namespace?: string };
  labelSelector?: string;
  /** The server ends each watch after this long; the informer then resumes from its resourceVersion. */
  watchTimeoutSeconds: number;
  /** Objects per list request (500, as client-go's reflector pages). */
  pageSize?: number;
  onChange: (obj: T) => void;
  onDelete: (obj: T) => void;
  /** Called when the watch is back after failing: work that failed meanwhile can be retried now. */
  onRecovered?: () => void;
  logger: Logger;
}

/** A list page as the API server sends it (custom objects are not converted to client-node's models). */
interface ListPage<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

type ClientInformer<T extends KubernetesObject> = ReturnType<typeof makeInformer<T>>;

/**
 * client-node's informer made to last: it still (2.0.1) stops for good on any error but 410 Gone and its own
 * watch timeout. This one restarts after errors with capped exponential backoff, or after what the server's
 * Retry-After asks. A restart lists into a new cache while the last complete one keeps serving, so an API
 * server outage never empties the cache: keys stay known, and what vanished meanwhile is reported deleted only
 * once the new list is in. A silent (half-open) watch needs nothing of ours since client-node 2: it ends a
 * watch that has read nothing for 30 s and resumes it (kubernetes-client/javascript #2665, #3022); the test
 * that freezes the API server for a minute shows it.
 */
export class ResilientInformer<T extends KubernetesObject> {
  /** The cache that answers `get` and `list`: the last one whose list completed. */
  private serving: ClientInformer<T> | undefined;
  /** A restart's informer, listing; it answers `get` first, since its objects are the newer. */
  private pending: ClientInformer<T> | undefined;
  private readonly strings = new StringPool();
  private stopped = false;
  private synced = false;
  private restartDelayMs = INITIAL_RESTART_DELAY_MS;
  /** What the API server last asked to wait before the next request (429 or 503 with Retry-After). */
  private retryAfterMs = 0;
  /** Since when the watch has been failing (undefined while it is up). */
  private downSince: number | undefined;
  private restarting: NodeJS.Timeout | undefined;
  private markSynced: () => void = () => undefined;
  private readonly syncedOnce = new Promise<void>((resolve) => {
    this.markSynced = resolve;
  });

  private readonly api: CustomObjectsApi;

  constructor(private readonly options: InformerOptions<T>) {
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** How long the watch has been failing without a successful restart; 0 while it is up. */
  get downForMs(): number {
    return this.downSince === undefined || this.stopped ? 0 : Date.now() - this.downSince;
  }

  /** Resolves after the first successful list, when the cache holds every object (retrying until then). */
  async start(): Promise<void> {
    this.downSince = Date.now();
    await this.restart();
    await this.syncedOnce;
  }

  private wentDown(): void {
    this.downSince ??= Date.now();
  }

  /** The watch path, such as /apis/group/version/namespaces/ns/plural. */
  private get path(): string {
    const { group, version, plural, namespace } = this.options.resource;
    return `/apis/${group}/${version}/${namespace ? `namespaces/${namespace}/` : ''}${plural}`;
  }

  /**
   * Lists in pages and slims each page as it arrives: a fleet of 10 000 is never held twice, once whole as
   * the server sent it, at start-up and at every relist after a watch expires.
   */
  private async listAll(): Promise<KubernetesListObject<T>> {
    const { resource, labelSelector, pageSize = 500 } = this.options;
    const items: T[] = [];
    let page: ListPage<T>;
    let continueToken: string | undefined;
    do {
      const request = { ...resource, labelSelector, limit: pageSize, _continue: continueToken };
      page = (await (resource.namespace
        ? this.api.listNamespacedCustomObject({ ...request, namespace: resource.namespace })
        : this.api.listClusterCustomObject(request))) as ListPage<T>;
      for (const item of page.items) items.push(slim(item, this.strings));
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return {
      apiVersion: page.apiVersion,
      kind: page.kind,
      metadata: { resourceVersion: page.metadata?.resourceVersion },
      items,
    };
  }

  /**
   * Lists and watches with a fresh client informer. Resolves true once its list is in and its watch is
   * open; false when either failed (client-node's `start()` resolves either way, so failure is told by its
   * error event).
   */
  private async open(informer: ClientInformer<T>): Promise<boolean> {
    const { logger } = this.options;
    let failed = false;
    informer.on('add', (obj) => this.options.onChange(slim(obj, this.strings)));
    informer.on('update', (obj) => this.options.onChange(slim(obj, this.strings)));
    informer.on('delete', (obj) => this.options.onDelete(obj));
    informer.on('error', (err: unknown) => {
      failed = true;
      this.retryAfterMs = Math.max(this.retryAfterMs, retryAfterMs(err));
      if (this.stopped || informer !== this.serving) return;
      this.wentDown();
      logger.warn(
        { err: String(err), path: this.path, retryInMs: this.restartDelayMs },
        'watch failed; restarting',
      );
      this.scheduleRestart();
    });
    await informer.start().catch(() => {
      failed = true;
    });
    return !failed;
  }

  /**
   * Restarts after the backoff, or after what the server asked for when that is longer (API Priority and
   * Fairness answers 429 with Retry-After when it sheds load; retrying sooner only adds to it).
   */
  private scheduleRestart(): void {
    if (this.restarting || this.stopped) return;
    const delay = Math.max(this.restartDelayMs, this.retryAfterMs);
    this.retryAfterMs = 0;
    this.restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, this.restartDelayMs * 2);
    this.restarting = setTimeout(() => {
      this.restarting = undefined;
      void this.restart();
    }, delay);
    this.restarting.unref();
  }

  private async restart(): Promise<void> {
    if (this.stopped || this.pending) return;
    const { watchTimeoutSeconds, labelSelector, logger } = this.options;
    const informer = makeInformer<T>(
      this.options.kubeConfig,
      `${this.path}?timeoutSeconds=${watchTimeoutSeconds}&allowWatchBookmarks=true`,
      () => this.listAll(),
      labelSelector,
    );
    this.pending = informer;
    const opened = await this.open(informer);
    this.pending = undefined;
    if (this.stopped || !opened) {
      await informer.stop().catch(() => undefined);
      if (!this.stopped) {
        logger.warn({ path: this.path, retryInMs: this.restartDelayMs }, 'list or watch failed; retrying');
        this.scheduleRestart();
      }
      return;
    }
    const old = this.serving;
    this.serving = informer;
    await old?.stop().catch(() => undefined);
    // What the old cache held and the new list lacks was deleted while the watch was down.
    if (old) {
      for (const obj of old.list()) {
        if (!informer.get(obj.metadata?.name ?? '', obj.metadata?.namespace)) this.options.onDelete(obj);
      }
    }
    const wasDown = this.downSince !== undefined;
    this.downSince = undefined;
    this.restartDelayMs = INITIAL_RESTART_DELAY_MS;
    if (!this.synced) {
      this.synced = true;
      this.markSynced();
    } else if (wasDown) {
      logger.info({ path: this.path }, 'watch re-established');
      this.options.onRecovered?.();
    }
  }

  list(): readonly T[] {
    return this.serving?.list() ?? [];
  }

  get(name: string, namespace?: string): T | undefined {
    return this.pending?.get(name, namespace) ?? this.serving?.get(name, namespace);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restarting);
    await this.pending?.stop().catch(() => undefined);
    await this.serving?.stop().catch(() => undefined);
  }
}

const INITIAL_RESTART_DELAY_MS = 500;
// Capped low: a list every few seconds costs a recovering API server little, and a watch that waits out a
// long backoff after the server is back misses what users apply meanwhile.
const MAX_RESTART_DELAY_MS = 8_000;

/**
 * What a failed list or watch asks to wait, in milliseconds: its Retry-After in seconds (RFC 9110), capped at
 * a minute; 0 without one. A refused watch carries only its status code: a 429 waits a second, the least
 * Retry-After the API server sends.
 */
function retryAfterMs(err: unknown): number {
  if (err instanceof ApiException && (err.code === 429 || err.code === 503)) {
    const header = Object.entries(err.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'retry-after',
    )?.[1];
    const seconds = Number(header);
    return Number.isFinite(seconds) && seconds > 0 ? Math.min(60, seconds) * 1000 : 0;
  }
  return (err as { statusCode?: number } | undefined)?.statusCode === 429 ? 1_000 : 0;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Drops fields the operator never reads and shares repeated strings, so a large fleet costs less memory. The
 * object is changed in place (client-node's informer caches this very object), and `metadata` is rebuilt
 * rather than having properties deleted: a `delete` turns an object into a dictionary, several times larger.
 */
function slim<T extends KubernetesObject>(obj: T, strings: StringPool): T {
  if (obj.metadata) {
    const { managedFields, annotations, ...metadata } = obj.metadata;
    if (annotations) {
      const { [LAST_APPLIED]: lastApplied, ...kept } = annotations;
      obj.metadata = { ...metadata, annotations: lastApplied === undefined ? annotations : kept };
    } else obj.metadata = metadata;
  }
  strings.internAll(obj);
  return obj;
}
