/**
 * The reconcile of any Personalize job kind: triage, scope and identity, then observe → decide → act, with at
 * most one Create per resource ever. The kind's object is read and written in its own form (its status names
 * the ARN as its Describe call does); everything between works on the lifecycle's form.
 */
import type { Logger } from 'pino';
import { type Owner, ownerOf, ownerTags } from '../api/ownership.js';
import { keyOf } from '../runtime/object-key.js';
import { applyOutcome, type OutcomeEffects } from '../runtime/outcome.js';
import type { EventSpec, Reconciler, Result } from '../runtime/reconcile.js';
import { withResumed } from './annotations.js';
import { createRequest } from './create-request.js';
import { decide, recordsJob } from './decide.js';
import type { DecideSettings, Update } from './decision.js';
import { identityOf, type Scope } from './identity.js';
import type { JobApi } from './job-api.js';
import type { JobKind } from './job-kind.js';
import { JobReads, pollDelay } from './job-reads.js';
import {
  type JobResource,
  type JobSpec,
  type JobStatus,
  lifecycleView,
  type StoredJob,
  storedStatus,
} from './job-resource.js';
import type { Identity, Observation, Tags } from './observation.js';
import { invalidSpec } from './problems.js';
import { TERMINAL } from './statuses.js';
import { needsTagSync, syncTags } from './tags.js';
import { scopeRefusal } from './tenancy.js';
import { triage } from './triage.js';

/** The Kubernetes side effects a reconcile may have, on the kind's object in its stored form. */
export interface ReconcileEffects<T> {
  writeStatus(obj: T, status: object): Promise<void>;
  recordEvent(obj: T, event: EventSpec): Promise<void>;
  /** A job was first seen terminal: AWS's status and its time from creation to that status. */
  jobFinished?(status: string, seconds: number): void;
  /** Another resource (namespace/name, not `uid`) whose status records this job's ARN. */
  recordedBy?(arn: string, uid: string): string | undefined;
}

export interface ReconcilerSettings {
  /**
   * `list`: poll status through the shared listing of the job's parent (its dataset) and let
   * it serve as the lookup before Create (AlreadyExists still catches a job the listing missed); `describe`:
   * one Describe call per job and poll.
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
export class JobReconciler<S extends JobSpec, I, T extends StoredJob<S>> implements Reconciler<T> {
  private readonly reads: JobReads<S>;
  /** The effects on the lifecycle's form, written through in the kind's stored form. */
  private readonly outcomes: OutcomeEffects<JobResource<S>, JobStatus>;

  constructor(
    private readonly kind: JobKind<S, I>,
    private readonly gateway: JobApi<I>,
    private readonly effects: ReconcileEffects<T>,
    private readonly settings: ReconcilerSettings,
  ) {
    this.reads = new JobReads<S>(gateway, settings, (spec) => kind.parent.arn(spec));
    this.outcomes = {
      writeStatus: (obj, status) =>
        effects.writeStatus(this.stored(obj), storedStatus(status, kind.arnField)),
      recordEvent: (obj, event) => effects.recordEvent(this.stored(obj), event),
    };
  }

  /** The resource in its kind's form again: the view differs from it in the ARN's name alone. */
  private stored(obj: JobResource<S>): T {
    const status = obj.status && storedStatus(obj.status, this.kind.arnField);
    return { ...obj, status } as unknown as T;
  }

  /** One clock per reconcile: every decision in it sees the same `now`. */
  private decideSettings(): DecideSettings<S> {
    return {
      kind: this.kind,
      now: new Date(),
      pollDelay: (ageMs) => pollDelay(ageMs, this.settings),
      actionableRetryMs: this.settings.actionableRetryMs,
    };
  }

  /** Triage, then scope and identity, then observe → decide → act; every outcome leaves through `finish`. */
  async reconcile(stored: T, log: Logger): Promise<Result> {
    const obj = lifecycleView(stored, this.kind.arnField);
    const settings = this.decideSettings();
    const triaged = triage(obj, settings.now);
    if (triaged.kind === 'skip') return { kind: 'none' };
    if (triaged.kind === 'update') return this.finish(obj, triaged, log);
    const namespaceScope = (await this.settings.namespaceScope?.(obj.metadata?.namespace ?? '')) ?? {};
    const requireRole = this.settings.requireNamespaceRole ?? false;
    const refused = scopeRefusal(obj, namespaceScope, requireRole, settings);
    if (refused) return this.finish(obj, refused, log);
    const identity = identityOf(this.kind, obj, {
      ...namespaceScope,
      defaultRegion: this.settings.defaultRegion,
    });
    if ('invalid' in identity) return this.finish(obj, invalidSpec(obj, identity.invalid, settings.now), log);
    const jobLog = log.child({ arn: identity.arn, region: identity.region });
    const adoptionAllowed = this.settings.allowAdoption === true || namespaceScope.allowAdoption === true;
    const acted = await this.act(obj, identity, settings, { adoptionAllowed }, jobLog);
    return this.finish(obj, acted.update, jobLog, identity, acted.obj);
  }

  /**
   * Observes the job, decides, and carries out what was decided: at most one Create (after the status
   * records it is about to happen), then tags. Returns the resource as its status now stands with the update.
   */
  private async act(
    found: JobResource<S>,
    identity: Identity,
    settings: DecideSettings<S>,
    { adoptionAllowed }: { adoptionAllowed: boolean },
    log: Logger,
  ): Promise<{ obj: JobResource<S>; update: Update }> {
    let obj = found;
    const context = () => ({
      claimedBy: this.claimant(obj, identity.arn),
      createdHere: this.createdHere.get(identity.arn)?.uid === obj.metadata?.uid,
      adoptionAllowed,
    });
    let seen = await this.firstSight(
      obj,
      identity,
      await this.reads.observe(obj, identity, settings.now, this.createdHere.has(identity.arn), log),
      log,
    );
    let decision = decide(obj, identity, seen.observation, settings, { ...context(), owner: seen.owner });
    if (decision.kind === 'create') {
      if (decision.record) {
        await this.outcomes.writeStatus(obj, decision.record);
        obj = { ...obj, status: decision.record };
      }
      const created = await this.gateway.create(identity, createRequest(this.kind, obj, identity), log);
      if (created.kind === 'created') this.rememberCreated(identity.arn, obj);
      // A job that appeared meanwhile (AlreadyExists) is described to learn whose it is. A job just created
      // is CREATE PENDING by definition: in list mode that answer is its first observed status, written with
      // its ARN in one status write, and the parent's poller reports what follows.
      const after: Observation =
        created.kind === 'failed'
          ? created
          : created.kind === 'created' && this.settings.statusSource === 'list'
            ? { kind: 'found', job: created.job }
            : await this.gateway.describe(identity, log);
      const justCreated = created.kind === 'created';
      seen = justCreated ? { observation: after } : await this.firstSight(obj, identity, after, log);
      decision = decide(obj, identity, seen.observation, settings, {
        ...context(),
        justCreated,
        owner: seen.owner,
      });
      if (decision.kind === 'create') {
        throw new Error(
          `AWS accepted ${this.kind.operations.create} for ${identity.arn} but cannot describe it`,
        );
      }
    }
    // A job taken up from someone else (adopted, recovered, or a deleted resource's) is tagged with its new
    // owner.
    const claiming = seen.tags !== undefined && recordsJob(decision) && !sameOwner(seen.tags, obj);
    if (claiming || needsTagSync(obj, decision))
      return { obj, update: await syncTags(this.gateway, obj, identity, decision, seen.tags, settings, log) };
    return { obj, update: decision };
  }

  /**
   * The rules every outcome obeys, applied once: the `Resumed` event on the way out of a halt (told from the
   * status as the reconcile found it), and a running job handed to (anything else taken off) its dataset's
   * poller. `written` is the resource as this reconcile left its status (after the record of a Create).
   */
  private finish(
    obj: JobResource<S>,
    update: Update,
    log: Logger,
    identity?: Identity,
    written: JobResource<S> = obj,
  ): Promise<Result> {
    return this.apply(written, this.reads.follow(written, withResumed(obj, update), identity), log);
  }

  /**
   * A job found that this resource has not recorded, and that this process did not create for it, is read
   * for its owner tags before anything of it is shown or taken up: they may name another namespace.
   */
  private async firstSight(
    obj: JobResource<S>,
    identity: Identity,
    observation: Observation,
    log: Logger,
  ): Promise<{ observation: Observation; owner?: Owner; tags?: Tags }> {
    if (observation.kind !== 'found' || obj.status?.jobArn !== undefined) return { observation };
    if (this.createdHere.get(identity.arn)?.uid === obj.metadata?.uid) return { observation };
    const read = await this.gateway.tags(identity, log);
    if (read.kind === 'failed') return { observation: read };
    return { observation, owner: ownerOf(read.tags), tags: read.tags };
  }

  /**
   * Jobs this process created recently and for which resource, newest last; bounded, since the status soon
   * carries the ARN.
   */
  private readonly createdHere = new Map<string, { uid: string; key: string }>();

  private rememberCreated(arn: string, obj: JobResource<S>): void {
    this.createdHere.set(arn, { uid: obj.metadata?.uid ?? '', key: keyOf(obj) });
    if (this.createdHere.size > 10_000) this.createdHere.delete(this.createdHere.keys().next().value!);
  }

  /** A deleted resource no longer claims the jobs it created, so another resource naming one may adopt it. */
  forget(obj: T): void {
    for (const [arn, creator] of this.createdHere) {
      if (creator.uid === obj.metadata?.uid) this.createdHere.delete(arn);
    }
    this.reads.forget(lifecycleView(obj, this.kind.arnField));
  }

  /** Another resource that manages the job: it created it here, or its status records the ARN. */
  private claimant(obj: JobResource<S>, arn: string): string | undefined {
    // A derived name embeds the resource's UID: only a chosen spec.jobName can be named twice.
    if (obj.status?.jobArn !== undefined || obj.spec.jobName === undefined) return undefined;
    const uid = obj.metadata?.uid ?? '';
    const creator = this.createdHere.get(arn);
    if (creator) return creator.uid === uid ? undefined : creator.key;
    return this.effects.recordedBy?.(arn, uid);
  }

  private async apply(obj: JobResource<S>, decision: Update, log: Logger): Promise<Result> {
    await applyOutcome(obj, decision, this.outcomes, (old, status) => {
      const { creationDateTime, lastUpdatedDateTime } = status;
      if (
        status.status &&
        TERMINAL.has(status.status) &&
        !TERMINAL.has(old?.status ?? '') &&
        creationDateTime &&
        lastUpdatedDateTime
      ) {
        this.effects.jobFinished?.(
          status.status,
          (Date.parse(lastUpdatedDateTime) - Date.parse(creationDateTime)) / 1000,
        );
      }
      log.info({ status: status.status, synced: status.conditions?.at(-1)?.reason }, 'status written');
    });
    return decision.requeue;
  }
}

/** The job's owner tags already name this resource. */
function sameOwner(tags: Tags, obj: JobResource): boolean {
  return Object.entries(ownerTags(obj)).every(([key, value]) => tags[key] === value);
}
