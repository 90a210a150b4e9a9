import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Owner, ownerOf, ownerTags } from '../api/ownership.js';
import { resourceKey } from '../api/resource-key.js';
import type { DatasetExportJob, DatasetExportJobStatus } from '../api/types.js';
import type { PersonalizeGateway } from '../aws/gateway.js';
import {
  createInput,
  type DecideSettings,
  decide,
  type EventSpec,
  type Identity,
  identityOf,
  invalidAnnotation,
  invalidRequest,
  invalidSpec,
  isSettled,
  type Observation,
  paused,
  pauseOf,
  type Requeue,
  recordsJob,
  type Scope,
  TERMINAL,
  type Update,
  withProgressAdded,
  withResumed,
} from './decide.js';
import { needsTagSync, type Tags, tagPlan, tagsApplied, tagsFailed } from './tags.js';
import { scopeRefusal } from './tenancy.js';

/** The Kubernetes side effects a reconcile may have. */
export interface ReconcileEffects {
  writeStatus(obj: DatasetExportJob, status: DatasetExportJobStatus): Promise<void>;
  recordEvent(obj: DatasetExportJob, event: EventSpec): Promise<void>;
  /** A job was first seen terminal: AWS's status and its time from creation to that status. */
  jobFinished?(status: string, seconds: number): void;
  /** Another resource (namespace/name, not `uid`) whose status records this job's ARN. */
  recordedBy?(arn: string, uid: string): string | undefined;
}

export interface ReconcilerSettings {
  /**
   * `list`: poll status through the dataset's shared ListDatasetExportJobs sweep and let it serve as the
   * lookup before Create (AlreadyExists still catches a job the listing missed); `describe`: one
   * DescribeDatasetExportJob per job and poll.
   */
  statusSource: 'list' | 'describe';
  /** Per-namespace region and role (annotations); none when absent. */
  namespaceScope?: (namespace: string) => Promise<Omit<Scope, 'defaultRegion'>>;
  defaultRegion?: string;
  pollMinMs: number;
  pollMaxMs: number;
  actionableRetryMs: number;
  /** Jobs the operator did not create may be adopted in every namespace (else per namespace annotation). */
  allowAdoption?: boolean;
  /** No AWS call for a namespace that names no role: the operator's own identity is never used. */
  requireNamespaceRole?: boolean;
}

/**
 * Runs one reconcile: asks AWS what it needs (Describe, at most one Create, Describe), lets the pure
 * `decide` choose, and applies the decision, writing status only when it changed.
 */
export class Reconciler {
  constructor(
    private readonly gateway: PersonalizeGateway,
    private readonly effects: ReconcileEffects,
    private readonly settings: ReconcilerSettings,
  ) {}

  private decideSettings(): DecideSettings {
    const { pollMinMs, pollMaxMs } = this.settings;
    return {
      now: new Date(),
      // Fast right after creation, then slower the longer a job runs: a tenth of its age, within bounds.
      pollDelay: (ageMs) => Math.min(pollMaxMs, Math.max(pollMinMs, ageMs / 10)),
      actionableRetryMs: this.settings.actionableRetryMs,
    };
  }

  async reconcile(obj: DatasetExportJob, log: Logger): Promise<Requeue> {
    if (obj.metadata?.deletionTimestamp) return { kind: 'none' };
    const now = new Date();
    const pause = pauseOf(obj);
    if (pause === 'paused') return this.apply(obj, paused(obj, now), log);
    if (pause !== 'running') return this.apply(obj, invalidAnnotation(obj, pause.invalid, now), log);
    const refusedAnnotation = invalidRequest(obj);
    if (refusedAnnotation)
      return this.apply(obj, withResumed(obj, invalidAnnotation(obj, refusedAnnotation, now)), log);
    if (isSettled(obj)) {
      const upgraded = withProgressAdded(obj, now);
      return upgraded ? this.apply(obj, upgraded, log) : { kind: 'none' };
    }
    const namespaceScope = (await this.settings.namespaceScope?.(obj.metadata?.namespace ?? '')) ?? {};
    const refused = scopeRefusal(obj, namespaceScope, this.settings.requireNamespaceRole ?? false, {
      now,
      actionableRetryMs: this.settings.actionableRetryMs,
    });
    if (refused) return this.apply(obj, withResumed(obj, refused), log);
    const identity = identityOf(obj, { ...namespaceScope, defaultRegion: this.settings.defaultRegion });
    if ('invalid' in identity)
      return this.apply(obj, withResumed(obj, invalidSpec(obj, identity.invalid, now)), log);
    const jobLog = log.child({ arn: identity.arn, region: identity.region });
    const adoptionAllowed = this.settings.allowAdoption === true || namespaceScope.allowAdoption === true;

    let seen = await this.firstSight(obj, identity, await this.observe(obj, identity, jobLog), jobLog);
    let decision = decide(obj, identity, seen.observation, this.decideSettings(), {
      claimedBy: this.claimant(obj, identity.arn),
      owner: seen.owner,
      adoptionAllowed,
    });
    if (decision.kind === 'create') {
      const created = await this.gateway.create(identity, createInput(obj, identity), jobLog);
      if (created.kind === 'created') this.rememberCreated(identity.arn, obj);
      // A job that appeared meanwhile (AlreadyExists) is described to learn whose it is. A job just created
      // is CREATE PENDING by definition: in list mode its ARN is recorded now and the next sweep shows it.
      const after: Observation =
        created.kind === 'failed'
          ? created
          : created.kind === 'created' && this.settings.statusSource === 'list'
            ? { kind: 'missing' }
            : await this.gateway.describe(identity, jobLog);
      const justCreated = created.kind === 'created';
      seen = justCreated ? { observation: after } : await this.firstSight(obj, identity, after, jobLog);
      decision = decide(obj, identity, seen.observation, this.decideSettings(), {
        justCreated,
        claimedBy: this.claimant(obj, identity.arn),
        owner: seen.owner,
        adoptionAllowed,
      });
      if (decision.kind === 'create') {
        throw new Error(`AWS accepted CreateDatasetExportJob for ${identity.arn} but cannot describe it`);
      }
    }
    const claiming = seen.tags !== undefined && recordsJob(decision) && seen.owner?.uid !== obj.metadata?.uid;
    if (claiming || needsTagSync(obj, decision))
      decision = await this.syncTags(obj, identity, decision, seen.tags, jobLog);
    return this.apply(obj, withResumed(obj, decision), jobLog);
  }

  /**
   * A job found that this resource has not recorded is read for its owner tags before anything of it is
   * shown or adopted: it may belong to another namespace, or be this resource's own after a lost answer.
   */
  private async firstSight(
    obj: DatasetExportJob,
    identity: Identity,
    observation: Observation,
    log: Logger,
  ): Promise<{ observation: Observation; owner?: Owner; tags?: Tags }> {
    if (observation.kind !== 'found' || obj.status?.datasetExportJobArn !== undefined) return { observation };
    const read = await this.gateway.tags(identity, log);
    if (read.kind === 'failed') return { observation: read };
    return { observation, owner: ownerOf(read.tags), tags: read.tags };
  }

  /** Makes the job's tags in AWS spec.tags and the owner tags: reads them (unless known), then changes only what differs. */
  private async syncTags(
    obj: DatasetExportJob,
    identity: Identity,
    update: Update,
    known: Tags | undefined,
    log: Logger,
  ) {
    let actual = known;
    if (!actual) {
      const read = await this.gateway.tags(identity, log);
      if (read.kind === 'failed') return tagsFailed(obj, update, read.error, this.decideSettings());
      actual = read.tags;
    }
    const plan = tagPlan(obj.spec.tags, actual, ownerTags(obj), !needsTagSync(obj, update));
    const applied = await this.gateway.retag(identity, plan, log);
    if (applied.kind === 'failed') return tagsFailed(obj, update, applied.error, this.decideSettings());
    return tagsApplied(obj, update, plan);
  }

  /**
   * Jobs this process created recently and for which resource, newest last; bounded, since the status soon
   * carries the ARN.
   */
  private readonly createdHere = new Map<string, { uid: string; key: string }>();

  private rememberCreated(arn: string, obj: DatasetExportJob): void {
    this.createdHere.set(arn, { uid: obj.metadata?.uid ?? '', key: resourceKey(obj) });
    if (this.createdHere.size > 10_000) this.createdHere.delete(this.createdHere.keys().next().value!);
  }

  /** A deleted resource no longer claims the jobs it created, so another resource naming one may adopt it. */
  forget(obj: DatasetExportJob): void {
    for (const [arn, creator] of this.createdHere) {
      if (creator.uid === obj.metadata?.uid) this.createdHere.delete(arn);
    }
  }

  /** Another resource that manages the job: it created it here, or its status records the ARN. */
  private claimant(obj: DatasetExportJob, arn: string): string | undefined {
    // A derived name embeds the resource's UID: only a chosen spec.jobName can be named twice.
    if (obj.status?.datasetExportJobArn !== undefined || obj.spec.jobName === undefined) return undefined;
    const uid = obj.metadata?.uid ?? '';
    const creator = this.createdHere.get(arn);
    if (creator) return creator.uid === uid ? undefined : creator.key;
    return this.effects.recordedBy?.(arn, uid);
  }

  private async observe(obj: DatasetExportJob, identity: Identity, log: Logger): Promise<Observation> {
    if (this.settings.statusSource === 'describe') return this.gateway.describe(identity, log);
    const listed = await this.gateway.fromList(identity, obj.spec.datasetArn, log);
    // A job to adopt is described once: a list summary does not tell what it was created with.
    const adopting =
      listed.kind === 'found' &&
      obj.status?.datasetExportJobArn === undefined &&
      obj.spec.jobName !== undefined &&
      !this.createdHere.has(identity.arn);
    if (adopting) return this.gateway.describe(identity, log);
    if (listed.kind !== 'absent') return listed;
    // Not in a fresh listing: a new resource may create (AlreadyExists guards a listing that lags); a job
    // known before, or created here moments ago (the cache may not show its ARN yet), is described.
    const known = obj.status?.datasetExportJobArn !== undefined || this.createdHere.has(identity.arn);
    return known ? this.gateway.describe(identity, log) : { kind: 'missing' };
  }

  private async apply(obj: DatasetExportJob, decision: Update, log: Logger): Promise<Requeue> {
    if (!isDeepStrictEqual(stripUndefined(obj.status ?? {}), stripUndefined(decision.status))) {
      await this.effects.writeStatus(obj, decision.status);
      const { status, creationDateTime, lastUpdatedDateTime } = decision.status;
      if (
        status &&
        TERMINAL.has(status) &&
        !TERMINAL.has(obj.status?.status ?? '') &&
        creationDateTime &&
        lastUpdatedDateTime
      ) {
        this.effects.jobFinished?.(
          status,
          (Date.parse(lastUpdatedDateTime) - Date.parse(creationDateTime)) / 1000,
        );
      }
      log.info(
        { status: decision.status.status, synced: decision.status.conditions?.at(-1)?.reason },
        'status written',
      );
    }
    for (const event of decision.events) await this.effects.recordEvent(obj, event);
    return decision.requeue;
  }
}

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
