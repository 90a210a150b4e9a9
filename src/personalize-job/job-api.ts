/**
 * The port between a job kind's reconciler and Amazon Personalize: what it may ask. The gateway implements it
 * over the SDK; the unit tests fake it.
 */
import type { Logger } from 'pino';
import type {
  CreateResult,
  Failed,
  Identity,
  Observation,
  ObservedJob,
  TagPlan,
  Tags,
} from './observation.js';

/** What the reconciler may ask of Amazon Personalize about one kind's jobs (`I`: its Create input). */
export interface JobApi<I = unknown> {
  describe(identity: Identity, log: Logger): Promise<Observation>;
  create(identity: Identity, input: I, log: Logger): Promise<CreateResult>;
  /**
   * The job as its parent's listing shows it; `missing` when a listing no older than `maxAgeMs` (default:
   * a couple of seconds) lacks it (the listing may lag).
   */
  fromList(identity: Identity, parentArn: string, log: Logger, maxAgeMs?: number): Promise<Observation>;
  /**
   * The job is in flight: list its parent at least every `everyMs` and report `key` when the job moves from
   * `current`; replaces the earlier terms of `key`, and no other watcher's.
   */
  watch(identity: Identity, parentArn: string, key: string, everyMs: number, current: ObservedJob): void;
  /** The watcher `key` (a resource) needs no more polling; another's watch of the same job stays. */
  forget(key: string): void;
  tags(identity: Identity, log: Logger): Promise<{ kind: 'tags'; tags: Tags } | Failed>;
  retag(identity: Identity, plan: TagPlan, log: Logger): Promise<{ kind: 'retagged' } | Failed>;
}
