/**
 * The port between the export job reconciler and Amazon Personalize: what it may ask. The gateway implements it
 * over the SDK; the unit tests fake it.
 */
import type { CreateDatasetExportJobCommandInput } from '@aws-sdk/client-personalize';
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

/** What the reconciler may ask of Amazon Personalize; the gateway implements it, tests fake it. */
export interface ExportJobApi {
  describe(identity: Identity, log: Logger): Promise<Observation>;
  create(identity: Identity, input: CreateDatasetExportJobCommandInput, log: Logger): Promise<CreateResult>;
  /**
   * The job as its dataset's listing shows it; `missing` when a listing no older than `maxAgeMs` (default:
   * a couple of seconds) lacks it (the listing may lag).
   */
  fromList(identity: Identity, datasetArn: string, log: Logger, maxAgeMs?: number): Promise<Observation>;
  /**
   * The job is in flight: list its dataset at least every `everyMs` and report `key` when the job moves from
   * `current`; replaces the earlier terms of `key`, and no other watcher's.
   */
  watch(identity: Identity, datasetArn: string, key: string, everyMs: number, current: ObservedJob): void;
  /** The watcher `key` (a resource) needs no more polling; another's watch of the same job stays. */
  forget(key: string): void;
  tags(identity: Identity, log: Logger): Promise<{ kind: 'tags'; tags: Tags } | Failed>;
  retag(identity: Identity, plan: TagPlan, log: Logger): Promise<{ kind: 'retagged' } | Failed>;
}
