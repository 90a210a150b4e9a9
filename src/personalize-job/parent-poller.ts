/**
 * One poller per dataset: lists its export jobs while any is in flight, as often as the most urgent needs,
 * and tells whose status moved.
 */
import type { Logger } from 'pino';
import type { Failed, Identity, Observation, ObservedJob } from './observation.js';

/** One ListDatasetExportJobs sweep of a dataset: the jobs seen, and when. */
export interface Listing {
  at: number;
  jobs: Map<string, ObservedJob>;
}

/**
 * Lists a dataset's jobs page by page; `enough` says, after each page, whether the jobs seen so far answer
 * every question (then the sweep stops paging).
 */
export type Sweep = (
  identity: Identity,
  datasetArn: string,
  enough: (seen: ReadonlyMap<string, ObservedJob>) => boolean,
  log: Logger,
) => Promise<Map<string, ObservedJob> | Failed>;

interface Watched {
  /** The job watched. */
  arn: string;
  /** The longest the job may go unlisted. */
  everyMs: number;
  /** What the watcher last saw of the job, to tell a move from a repeat. */
  seen: string;
}

interface Dataset {
  identity: Identity;
  datasetArn: string;
  /**
   * By watcher (a resource key: the poller does not know what it means), never by job: two resources naming
   * one job (one of them refused) each hold their own watch, and neither can drop or take over the other's.
   */
  watched: Map<string, Watched>;
  listing?: Listing;
  /** When the last sweep started, answered or not: the next is counted from it, so failures never spin. */
  sweptAt?: number;
  sweeping?: Promise<Listing | Failed>;
  timer?: NodeJS.Timeout;
  dueAt?: number;
}

export interface DatasetPollerOptions {
  sweep: Sweep;
  /** Told the key of each watched job whose status moved (or that vanished from a listing). */
  changed: (key: string) => void;
  logger: Logger;
  /** A listing younger than this answers a lookup without a call. */
  freshMs: number;
  now?: () => number;
}

/** What a watcher is told about: a new status or failure reason (timestamps alone move nothing). */
const mark = (job: ObservedJob | undefined) => (job ? `${job.status}|${job.failureReason ?? ''}` : 'missing');

/**
 * Reads scheduled per dataset, not per job: each watched job says how stale its status may get, the dataset is
 * listed as often as the most urgent of them needs (one listing answers all of them), paging stops once every
 * watched job is seen, and the jobs whose status moved are named to `changed`. Lookups of jobs not watched
 * (a new resource, a restart) share the latest listing while it is fresh.
 */
export class DatasetPoller {
  private readonly datasets = new Map<string, Dataset>();
  /** The dataset each watcher's job is watched in, so forgetting is one lookup at any fleet size. */
  private readonly watchedIn = new Map<string, Dataset>();
  private readonly now: () => number;

  constructor(private readonly options: DatasetPollerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The job as a listing no older than `maxAgeMs` shows it (`missing` when that listing lacks it). */
  async fromList(
    identity: Identity,
    datasetArn: string,
    log: Logger,
    maxAgeMs?: number,
  ): Promise<Observation> {
    const dataset = this.dataset(identity, datasetArn);
    const fresh = dataset.listing && this.now() - dataset.listing.at <= (maxAgeMs ?? this.options.freshMs);
    const listing = fresh ? dataset.listing! : await this.list(dataset, log);
    this.dropIfIdle(dataset);
    if ('kind' in listing) return listing;
    const job = listing.jobs.get(identity.arn);
    return job ? { kind: 'found', job: { ...job, datasetArn } } : { kind: 'missing' };
  }

  /**
   * The job is in flight: it must be listed at least every `everyMs`, and `key` told when it moves from
   * `current` (what its watcher shows now). A watcher watches one job: watching again replaces its earlier
   * terms, wherever they were.
   */
  watch(identity: Identity, datasetArn: string, key: string, everyMs: number, current: ObservedJob): void {
    const dataset = this.dataset(identity, datasetArn);
    const before = this.watchedIn.get(key);
    if (before && before !== dataset && before.watched.delete(key)) this.schedule(before);
    dataset.watched.set(key, { arn: identity.arn, everyMs, seen: mark(current) });
    this.watchedIn.set(key, dataset);
    this.schedule(dataset);
  }

  /** The watcher `key` needs no more listing (it is gone, refused, or its job finished); others keep theirs. */
  forget(key: string): void {
    const dataset = this.watchedIn.get(key);
    this.watchedIn.delete(key);
    if (dataset?.watched.delete(key)) this.schedule(dataset);
  }

  /** Datasets with a listing running or due: none once every watched job has finished (nothing lists then). */
  get polling(): number {
    let n = 0;
    for (const dataset of this.datasets.values()) if (dataset.watched.size || dataset.sweeping) n++;
    return n;
  }

  stop(): void {
    for (const dataset of this.datasets.values()) clearTimeout(dataset.timer);
    this.datasets.clear();
    this.watchedIn.clear();
  }

  private keyOf(identity: Identity, datasetArn: string): string {
    return `${identity.account}|${identity.region}|${identity.roleArn ?? ''}|${datasetArn}`;
  }

  private dataset(identity: Identity, datasetArn: string): Dataset {
    const key = this.keyOf(identity, datasetArn);
    let dataset = this.datasets.get(key);
    if (!dataset) {
      dataset = { identity, datasetArn, watched: new Map() };
      this.datasets.set(key, dataset);
    }
    return dataset;
  }

  /**
   * A dataset with nothing in flight keeps no memory once its listing is stale: a fresh one is kept only until
   * it goes stale (a listing may hold thousands of jobs).
   */
  private dropIfIdle(dataset: Dataset): void {
    if (dataset.watched.size || dataset.sweeping) return;
    const freshForMs = dataset.listing ? dataset.listing.at + this.options.freshMs - this.now() : 0;
    if (freshForMs < 0 || !dataset.listing) {
      clearTimeout(dataset.timer);
      this.datasets.delete(this.keyOf(dataset.identity, dataset.datasetArn));
      return;
    }
    if (dataset.timer) return;
    dataset.timer = setTimeout(() => {
      dataset.timer = undefined;
      this.dropIfIdle(dataset);
    }, freshForMs + 1);
    dataset.timer.unref?.();
  }

  /** Concurrent requests for one dataset share one sweep. */
  private list(dataset: Dataset, log: Logger): Promise<Listing | Failed> {
    if (dataset.sweeping) return dataset.sweeping;
    const enough = (seen: ReadonlyMap<string, ObservedJob>) =>
      dataset.watched.size > 0 && [...dataset.watched.values()].every(({ arn }) => seen.has(arn));
    dataset.sweptAt = this.now();
    const sweeping = this.options
      .sweep(dataset.identity, dataset.datasetArn, enough, log)
      .then((jobs): Listing | Failed => {
        if ('kind' in jobs) return jobs;
        const listing = { at: this.now(), jobs };
        dataset.listing = listing;
        this.report(dataset, listing);
        return listing;
      })
      .finally(() => {
        dataset.sweeping = undefined;
        this.schedule(dataset);
      });
    dataset.sweeping = sweeping;
    return sweeping;
  }

  /** Tells the watchers of jobs that moved; a job seen finished needs no more listing. */
  private report(dataset: Dataset, listing: Listing): void {
    for (const [key, watched] of dataset.watched) {
      const job = listing.jobs.get(watched.arn);
      const seen = mark(job);
      if (seen === watched.seen) continue;
      watched.seen = seen;
      if (job && (job.status === 'ACTIVE' || job.status === 'CREATE FAILED')) {
        dataset.watched.delete(key);
        this.watchedIn.delete(key);
      }
      this.options.changed(key);
    }
  }

  /** Lists again when the most urgent watched job needs it, counted from the last sweep. */
  private schedule(dataset: Dataset): void {
    if (dataset.sweeping) return;
    if (!dataset.watched.size) {
      clearTimeout(dataset.timer);
      dataset.timer = undefined;
      dataset.dueAt = undefined;
      this.dropIfIdle(dataset);
      return;
    }
    const everyMs = Math.min(...[...dataset.watched.values()].map((w) => w.everyMs));
    const dueAt = Math.max(this.now(), (dataset.sweptAt ?? this.now()) + everyMs);
    if (dataset.timer && dataset.dueAt !== undefined && dataset.dueAt <= dueAt) return;
    clearTimeout(dataset.timer);
    dataset.dueAt = dueAt;
    dataset.timer = setTimeout(() => {
      dataset.timer = undefined;
      dataset.dueAt = undefined;
      void this.list(dataset, this.options.logger.child({ datasetArn: dataset.datasetArn }));
    }, dueAt - this.now());
    dataset.timer.unref?.();
  }
}
