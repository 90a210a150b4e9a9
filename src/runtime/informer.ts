import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';

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
  logger: Logger;
}

/** A list page as the API server sends it (custom objects are not converted to client-node's models). */
interface ListPage<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

/**
 * client-node's informer made to last: it stops for good on any error other than 410 Gone, and a half-open
 * connection goes unnoticed. This one restarts after errors with capped backoff and restarts a watch that
 * has been silent longer than its server-side timeout allows (stall watchdog).
 */
export class ResilientInformer<T extends KubernetesObject> {
  private informer: ReturnType<typeof makeInformer<T>> | undefined;
  private stopped = false;
  private synced = false;
  private restartDelayMs = 1_000;
  private lastActivity = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
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

  /** True when nothing (not even a reconnect) has happened for longer than twice the watch timeout. */
  get stalled(): boolean {
    return (
      !this.stopped && Date.now() - this.lastActivity > 2 * (this.options.watchTimeoutSeconds + 30) * 1000
    );
  }

  /** Resolves after the first successful list, when the cache holds every object (retrying until then). */
  async start(): Promise<void> {
    const stallMs = (this.options.watchTimeoutSeconds + 30) * 1000;
    this.watchdog = setInterval(
      () => {
        if (!this.stopped && Date.now() - this.lastActivity > stallMs) {
          this.options.logger.warn({ path: this.path }, 'watch silent for too long; restarting it');
          void this.restart();
        }
      },
      Math.min(stallMs, 10_000),
    );
    this.watchdog.unref();
    try {
      await this.open();
    } catch (err) {
      this.options.logger.warn({ err: String(err), path: this.path }, 'list failed; retrying');
      this.scheduleRestart();
    }
    await this.syncedOnce;
  }

  private touch = () => {
    this.lastActivity = Date.now();
  };

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
      for (const item of page.items) items.push(slim(item));
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return {
      apiVersion: page.apiVersion,
      kind: page.kind,
      metadata: { resourceVersion: page.metadata?.resourceVersion },
      items,
    };
  }

  private async open(): Promise<void> {
    const { watchTimeoutSeconds, labelSelector, logger } = this.options;
    const path = this.path;
    const informer = makeInformer<T>(
      this.options.kubeConfig,
      `${path}?timeoutSeconds=${watchTimeoutSeconds}&allowWatchBookmarks=true`,
      () => this.listAll(),
      labelSelector,
    );
    this.informer = informer;
    informer.on('connect', this.touch);
    informer.on('add', (obj) => {
      this.touch();
      this.options.onChange(slim(obj));
    });
    informer.on('update', (obj) => {
      this.touch();
      this.options.onChange(slim(obj));
    });
    informer.on('delete', (obj) => {
      this.touch();
      this.options.onDelete(obj);
    });
    informer.on('error', (err: unknown) => {
      if (this.stopped || informer !== this.informer) return;
      logger.warn({ err: String(err), path, retryInMs: this.restartDelayMs }, 'watch failed; restarting');
      this.scheduleRestart();
    });
    await informer.start();
    this.synced = true;
    this.markSynced();
    this.restartDelayMs = 1_000;
    this.touch();
  }

  private scheduleRestart(): void {
    if (this.restarting) return;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(30_000, this.restartDelayMs * 2);
    this.restarting = setTimeout(() => {
      this.restarting = undefined;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    const old = this.informer;
    this.informer = undefined;
    await old?.stop().catch(() => undefined);
    if (this.stopped) return;
    try {
      await this.open();
    } catch (err) {
      this.options.logger.warn({ err: String(err), path: this.path }, 'list failed; retrying');
      this.scheduleRestart();
    }
  }

  list(): readonly T[] {
    return this.informer?.list() ?? [];
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer?.get(name, namespace);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.restarting);
    await this.informer?.stop().catch(() => undefined);
  }
}

/** Drops fields the operator never reads, so a large fleet costs less memory. */
function slim<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata) {
    delete obj.metadata.managedFields;
    if (obj.metadata.annotations)
      delete obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  }
  return obj;
}
