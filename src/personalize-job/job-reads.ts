/**
 * Where a reconcile reads its job's status: its parent's shared, polled listing, or the job's Describe call.
 */
import type { Logger } from 'pino';
import { keyOf } from '../runtime/object-key.js';
import type { Update } from './decision.js';
import type { JobApi } from './job-api.js';
import type { JobResource, JobSpec } from './job-resource.js';
import type { Identity, Observation } from './observation.js';

export interface JobReadSettings {
  statusSource: 'list' | 'describe';
  pollMinMs: number;
  pollMaxMs: number;
}

/** How stale a job's status may get: fast right after creation, then a tenth of its age, within bounds. */
export function pollDelay(ageMs: number, { pollMinMs, pollMaxMs }: JobReadSettings): number {
  return Math.min(pollMaxMs, Math.max(pollMinMs, ageMs / 10));
}

/**
 * In list mode a job's status comes from its parent's listing, which a poller per parent keeps fresh while
 * any job of it runs; Describe only answers what a listing cannot. In describe mode each job is described.
 */
export class JobReads<S extends JobSpec> {
  constructor(
    private readonly gateway: JobApi,
    private readonly settings: JobReadSettings,
    /** The parent (dataset) a resource's job is listed under. */
    private readonly parentOf: (spec: S) => string,
  ) {}

  /** What AWS says of the job; `createdHere`: this process created it moments ago. */
  async observe(
    obj: JobResource<S>,
    identity: Identity,
    now: Date,
    createdHere: boolean,
    log: Logger,
  ): Promise<Observation> {
    if (this.settings.statusSource === 'describe') return this.gateway.describe(identity, log);
    const listed = await this.gateway.fromList(
      identity,
      this.parentOf(obj.spec),
      log,
      this.listingAge(obj, now),
    );
    // A job first seen, that this process did not create, is described once: its settings are checked
    // against the spec before it is taken up, and a list summary does not tell them.
    const firstSight = listed.kind === 'found' && obj.status?.jobArn === undefined && !createdHere;
    if (firstSight) return this.gateway.describe(identity, log);
    if (listed.kind !== 'missing') return listed;
    // Not in a fresh listing: a new resource may create (AlreadyExists guards a listing that lags); a job
    // known before, or created here moments ago (the cache may not show its ARN yet), is described.
    const known = obj.status?.jobArn !== undefined || createdHere;
    return known ? this.gateway.describe(identity, log) : { kind: 'missing' };
  }

  /**
   * In list mode a running job is handed to its parent's poller, which wakes the resource when the job
   * moves: the resource's own requeue becomes a safety net. Any other outcome (paused, refused, failed,
   * final, no identity) takes this resource's watch off the poller, and only its own: a resource refused
   * for naming another's job never touches that one's watch.
   */
  follow(obj: JobResource<S>, update: Update, identity?: Identity): Update {
    if (this.settings.statusSource !== 'list') return update;
    const running = identity && update.status.jobArn === identity.arn ? update.running : undefined;
    if (!identity || !running) {
      this.gateway.forget(keyOf(obj));
      return update;
    }
    this.gateway.watch(identity, this.parentOf(obj.spec), keyOf(obj), running.pollMs, running.job);
    return { ...update, requeue: { kind: 'after', ms: Math.max(running.pollMs, this.settings.pollMaxMs) } };
  }

  /** The resource is gone: its watch needs no more polling. */
  forget(obj: JobResource<S>): void {
    this.gateway.forget(keyOf(obj));
  }

  /**
   * How old a parent's listing may be to answer for this resource. A running job's parent is listed by its
   * poller at least as often as the job needs (twice that leaves room for the poller's own timing), so a
   * reconcile it woke, or a safety requeue, makes no call. A new resource accepts the last listing of the
   * fastest poll: this process lists only after it started, so a job a crashed predecessor created is in it.
   */
  private listingAge(obj: JobResource<S>, now: Date): number {
    const created = obj.status?.creationDateTime;
    if (!obj.status?.jobArn) return this.settings.pollMinMs;
    const age = created ? now.getTime() - Date.parse(created) : 0;
    return 2 * pollDelay(age, this.settings);
  }
}
