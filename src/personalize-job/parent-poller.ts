/**
 * One poller per parent (the dataset, for export and import jobs): lists its jobs while any is in flight, as often
 * as the most urgent needs, and tells whose status moved.
 */
import type { Logger } from 'pino';
import type { Failed, Identity, Observation, ObservedJob } from './observation.js';
import { TERMINAL } from './statuses.js';

/** One sweep of a parent's jobs: the jobs seen, and when. */
export interface Listing {
  at: number;
  jobs: Map<string, ObservedJob>;
}

/**
 * Lists a parent's jobs page by page; `enough` says, after each page, whether the jobs seen so far answer
 * every question (then the sweep stops paging).
 */
export type Sweep = (
  identity: Identity,
  parentArn: string,
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

interface Parent {
  identity: Identity;
  parentArn: string;
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

export interface ParentPollerOptions {
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
 * Reads scheduled per parent, not per job: each watched job says how stale its status may get, the parent is
 * listed as often as the most urgent of them needs (one listing answers all of them), paging stops once every
 * watched job is seen, and the jobs whose status moved are named to `changed`. Lookups of jobs not watched
 * (a new resource, a restart) share the latest listing while it is fresh.
 */
export class ParentPoller {
  private readonly parents = new Map<string, Parent>();
  /** The parent each watcher's job is watched in, so forgetting is one lookup at any fleet size. */
  private readonly watchedIn = new Map<string, Parent>();
  private readonly now: () => number;

  constructor(private readonly options: ParentPollerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The job as a listing no older than `maxAgeMs` shows it (`missing` when that listing lacks it). */
  async fromList(
    identity: Identity,
    parentArn: string,
    log: Logger,
    maxAgeMs?: number,
  ): Promise<Observation> {
    const parent = this.parent(identity, parentArn);
    const fresh = parent.listing && this.now() - parent.listing.at <= (maxAgeMs ?? this.options.freshMs);
    const listing = fresh ? parent.listing! : await this.list(parent, log);
    this.dropIfIdle(parent);
    if ('kind' in listing) return listing;
    const job = listing.jobs.get(identity.arn);
    return job ? { kind: 'found', job: { ...job, parentArn } } : { kind: 'missing' };
  }

  /**
   * The job is in flight: it must be listed at least every `everyMs`, and `key` told when it moves from
   * `current` (what its watcher shows now). A watcher watches one job: watching again replaces its earlier
   * terms, wherever they were.
   */
  watch(identity: Identity, parentArn: string, key: string, everyMs: number, current: ObservedJob): void {
    const parent = this.parent(identity, parentArn);
    const before = this.watchedIn.get(key);
    if (before && before !== parent && before.watched.delete(key)) this.schedule(before);
    parent.watched.set(key, { arn: identity.arn, everyMs, seen: mark(current) });
    this.watchedIn.set(key, parent);
    this.schedule(parent);
  }

  /** The watcher `key` needs no more listing (it is gone, refused, or its job finished); others keep theirs. */
  forget(key: string): void {
    const parent = this.watchedIn.get(key);
    this.watchedIn.delete(key);
    if (parent?.watched.delete(key)) this.schedule(parent);
  }

  /** Parents with a listing running or due: none once every watched job has finished (nothing lists then). */
  get polling(): number {
    let n = 0;
    for (const parent of this.parents.values()) if (parent.watched.size || parent.sweeping) n++;
    return n;
  }

  stop(): void {
    for (const parent of this.parents.values()) clearTimeout(parent.timer);
    this.parents.clear();
    this.watchedIn.clear();
  }

  private keyOf(identity: Identity, parentArn: string): string {
    return `${identity.account}|${identity.region}|${identity.roleArn ?? ''}|${parentArn}`;
  }

  private parent(identity: Identity, parentArn: string): Parent {
    const key = this.keyOf(identity, parentArn);
    let parent = this.parents.get(key);
    if (!parent) {
      parent = { identity, parentArn, watched: new Map() };
      this.parents.set(key, parent);
    }
    return parent;
  }

  /**
   * A parent with nothing in flight keeps no memory once its listing is stale: a fresh one is kept only until
   * it goes stale (a listing may hold thousands of jobs).
   */
  private dropIfIdle(parent: Parent): void {
    if (parent.watched.size || parent.sweeping) return;
    const freshForMs = parent.listing ? parent.listing.at + this.options.freshMs - this.now() : 0;
    if (freshForMs < 0 || !parent.listing) {
      clearTimeout(parent.timer);
      this.parents.delete(this.keyOf(parent.identity, parent.parentArn));
      return;
    }
    if (parent.timer) return;
    parent.timer = setTimeout(() => {
      parent.timer = undefined;
      this.dropIfIdle(parent);
    }, freshForMs + 1);
    parent.timer.unref?.();
  }

  /** Concurrent requests for one parent share one sweep. */
  private list(parent: Parent, log: Logger): Promise<Listing | Failed> {
    if (parent.sweeping) return parent.sweeping;
    const enough = (seen: ReadonlyMap<string, ObservedJob>) =>
      parent.watched.size > 0 && [...parent.watched.values()].every(({ arn }) => seen.has(arn));
    parent.sweptAt = this.now();
    const sweeping = this.options
      .sweep(parent.identity, parent.parentArn, enough, log)
      .then((jobs): Listing | Failed => {
        if ('kind' in jobs) return jobs;
        const listing = { at: this.now(), jobs };
        parent.listing = listing;
        this.report(parent, listing);
        return listing;
      })
      .finally(() => {
        parent.sweeping = undefined;
        this.schedule(parent);
      });
    parent.sweeping = sweeping;
    return sweeping;
  }

  /** Tells the watchers of jobs that moved; a job seen finished needs no more listing. */
  private report(parent: Parent, listing: Listing): void {
    for (const [key, watched] of parent.watched) {
      const job = listing.jobs.get(watched.arn);
      const seen = mark(job);
      if (seen === watched.seen) continue;
      watched.seen = seen;
      if (job && TERMINAL.has(job.status)) {
        parent.watched.delete(key);
        this.watchedIn.delete(key);
      }
      this.options.changed(key);
    }
  }

  /** Lists again when the most urgent watched job needs it, counted from the last sweep. */
  private schedule(parent: Parent): void {
    if (parent.sweeping) return;
    if (!parent.watched.size) {
      clearTimeout(parent.timer);
      parent.timer = undefined;
      parent.dueAt = undefined;
      this.dropIfIdle(parent);
      return;
    }
    const everyMs = Math.min(...[...parent.watched.values()].map((w) => w.everyMs));
    const dueAt = Math.max(this.now(), (parent.sweptAt ?? this.now()) + everyMs);
    if (parent.timer && parent.dueAt !== undefined && parent.dueAt <= dueAt) return;
    clearTimeout(parent.timer);
    parent.dueAt = dueAt;
    parent.timer = setTimeout(() => {
      parent.timer = undefined;
      parent.dueAt = undefined;
      void this.list(parent, this.options.logger.child({ parentArn: parent.parentArn }));
    }, dueAt - this.now());
    parent.timer.unref?.();
  }
}
