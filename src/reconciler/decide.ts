import { isDeepStrictEqual } from 'node:util';
import { AWS, anchored } from '../api/aws-constraints.js';
import { OWNER_TAGS, type Owner, ownerTags } from '../api/ownership.js';
import {
  ADOPTION_ANNOTATION,
  DATASET_ARN,
  PAUSED_ANNOTATION,
  RECONCILE_REQUESTED_ANNOTATION,
} from '../api/schema.js';
import type { DatasetExportJob, DatasetExportJobStatus } from '../api/types.js';
import { type ClassifiedError, TRANSIENT_REASONS } from '../aws/errors.js';
import { type DesiredCondition, findCondition, mergeConditions } from './conditions.js';
import { derivedJobName } from './job-name.js';

/** Where the job lives in AWS; derivable before it exists, which makes Create safe to retry after a crash. */
export interface Identity {
  region: string;
  account: string;
  partition: string;
  jobName: string;
  arn: string;
  /** The role the calls are made with, when the namespace names one. */
  roleArn?: string;
}

/** What DescribeDatasetExportJob said (or that the call failed). */
export type Observation =
  | { kind: 'found'; job: ObservedJob }
  | { kind: 'missing' }
  | { kind: 'failed'; error: ClassifiedError };

export interface ObservedJob {
  datasetExportJobArn: string;
  jobName: string;
  datasetArn?: string;
  status: string;
  failureReason?: string;
  creationDateTime?: Date;
  lastUpdatedDateTime?: Date;
  /** What the job was created with, as DescribeDatasetExportJob tells (list summaries leave it out). */
  created?: {
    ingestionMode?: string;
    roleArn?: string;
    path?: string;
    kmsKeyArn?: string;
  };
}

export type Requeue = { kind: 'none' } | { kind: 'after'; ms: number } | { kind: 'backoff' };

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

export type Update = {
  kind: 'update';
  status: DatasetExportJobStatus;
  events: EventSpec[];
  requeue: Requeue;
};
export type Decision = { kind: 'create'; identity: Identity } | Update;

export interface DecideSettings {
  now: Date;
  /** Poll delay for a job that has been running `ageMs`; jitter is the caller's. */
  pollDelay(ageMs: number): number;
  /** Delay before retrying an error that needs a person (IAM, input, dataset). */
  actionableRetryMs: number;
}

export const TERMINAL = new Set(['ACTIVE', 'CREATE FAILED']);

const DATASET_ARN_PATTERN = new RegExp(anchored(DATASET_ARN));

/**
 * The job's identity. The dataset ARN names the account and region (a job lives beside its dataset), so no
 * STS call is needed; spec.region, when given, must agree with it.
 */
/** Settings that come from the resource's namespace (annotations) and the operator's flags. */
export interface Scope {
  namespaceRegion?: string;
  defaultRegion?: string;
  /** Role to assume for this namespace's calls (annotation personalize.ops.dev/role-arn). */
  roleArn?: string;
  /** The namespace lets its resources adopt jobs the operator did not create (annotation). */
  allowAdoption?: boolean;
  /** Why the namespace could not be read: its role is unknown, so nothing may be called. */
  unreadable?: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;

/**
 * The job's identity. The account is the dataset's (a job lives beside its dataset, so no STS call is
 * needed). The region, by precedence: spec.region, the dataset ARN's region, the namespace annotation, the
 * operator's --region (itself defaulting to the SDK's AWS_REGION). spec.region must agree with the dataset.
 */
export function identityOf(obj: DatasetExportJob, scope: Scope): Identity | { invalid: string } {
  const match = DATASET_ARN_PATTERN.exec(obj.spec.datasetArn);
  if (!match) {
    return {
      invalid: `spec.datasetArn ${obj.spec.datasetArn} is not a dataset ARN (arn:<partition>:personalize:<region>:<account>:dataset/...)`,
    };
  }
  const [, partition, arnRegion, account] = match as unknown as [string, string, string, string];
  const region = obj.spec.region ?? (arnRegion || scope.namespaceRegion || scope.defaultRegion);
  if (!region) {
    return {
      invalid:
        'no region: set spec.region, annotate the namespace with personalize.ops.dev/region, or start the operator with --region',
    };
  }
  if (arnRegion && region !== arnRegion) {
    return {
      invalid: `spec.region ${region} differs from the dataset's region ${arnRegion}: a job is created in its dataset's region`,
    };
  }
  if (scope.roleArn !== undefined && !ROLE_ARN.test(scope.roleArn)) {
    return {
      invalid: `the namespace annotation personalize.ops.dev/role-arn is not an IAM role ARN: ${scope.roleArn}`,
    };
  }
  const jobName =
    obj.spec.jobName ??
    obj.status?.jobName ??
    derivedJobName(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', obj.metadata?.uid ?? '');
  return {
    region,
    account,
    partition,
    jobName,
    arn: `arn:${partition}:personalize:${region}:${account}:dataset-export-job/${jobName}`,
    ...(scope.roleArn ? { roleArn: scope.roleArn } : {}),
  };
}

/** Longest reconcile-requested-at value honoured: it is copied into status, so it must stay small. */
export const MAX_REQUEST_LENGTH = 256;

/** The pending value of the reconcile-requested-at annotation: set, and not yet echoed in status. */
export function reconcileRequest(obj: DatasetExportJob): string | undefined {
  const requested = obj.metadata?.annotations?.[RECONCILE_REQUESTED_ANNOTATION];
  if (requested === undefined || requested.length > MAX_REQUEST_LENGTH) return undefined;
  return requested !== obj.status?.lastHandledReconcileAt ? requested : undefined;
}

/** Why the reconcile-requested-at annotation is refused, when it is. */
export function invalidRequest(obj: DatasetExportJob): string | undefined {
  const requested = obj.metadata?.annotations?.[RECONCILE_REQUESTED_ANNOTATION];
  if (requested === undefined || requested.length <= MAX_REQUEST_LENGTH) return undefined;
  return `metadata.annotations[${RECONCILE_REQUESTED_ANNOTATION}] is ${requested.length} characters; at most ${MAX_REQUEST_LENGTH} are allowed (a timestamp is usual). Nothing is done for this resource until it is shorter.`;
}

/** An update that records the job's ARN with Synced=True: the resource now manages the job. */
export function recordsJob(decision: Decision): boolean {
  return (
    decision.kind === 'update' &&
    decision.status.datasetExportJobArn !== undefined &&
    findCondition(decision.status.conditions, 'Synced')?.status === 'True'
  );
}

/**
 * Whether the paused annotation stops the resource. Any value but "true" or "false" stops it too, with an
 * error: a person who wrote "yes" meant to pause, and a Create cannot be taken back.
 */
export function pauseOf(obj: DatasetExportJob): 'running' | 'paused' | { invalid: string } {
  const value = obj.metadata?.annotations?.[PAUSED_ANNOTATION];
  if (value === undefined || value === 'false') return 'running';
  if (value === 'true') return 'paused';
  return {
    invalid: `metadata.annotations[${PAUSED_ANNOTATION}] must be "true" or "false", not ${JSON.stringify(value)}; nothing is done for this resource until it is`,
  };
}

/**
 * The resource needs no AWS call: for the current spec its job reached a final state, or its name belongs to
 * another dataset's job (the spec cannot change, so nothing can make progress), and no re-read is requested.
 * A resource last seen paused is not settled: once resumed, it reads AWS again.
 */
export function isSettled(obj: DatasetExportJob): boolean {
  const status = obj.status;
  if (status?.observedGeneration !== obj.metadata?.generation) return false;
  if (reconcileRequest(obj) !== undefined) return false;
  if (HALTED.has(findCondition(status?.conditions, 'Synced')?.reason ?? '')) return false;
  if (status?.datasetExportJobArn !== undefined && !tagsInSync(obj)) return false;
  const terminal = !!status?.status && TERMINAL.has(status.status);
  return terminal || SETTLING_CONFLICTS.has(findCondition(status?.conditions, 'Synced')?.reason ?? '');
}

/** The job under the spec's name is not the one the spec describes; the spec cannot change, so it stays so. */
const SETTLING_CONFLICTS = new Set(['NameConflict', 'SpecMismatch', 'OwnedByAnotherNamespace']);

/** Where an existing job differs from the spec, for the settings AWS reported. */
function differences(spec: DatasetExportJob['spec'], created: ObservedJob['created']): string[] {
  if (!created) return [];
  const wanted = {
    ingestionMode: spec.ingestionMode ?? AWS.defaultIngestionMode,
    roleArn: spec.roleArn,
    'jobOutput.s3DataDestination.path': spec.jobOutput.s3DataDestination.path,
    'jobOutput.s3DataDestination.kmsKeyArn': spec.jobOutput.s3DataDestination.kmsKeyArn,
  };
  const actual = {
    ingestionMode: created.ingestionMode,
    roleArn: created.roleArn,
    'jobOutput.s3DataDestination.path': created.path,
    'jobOutput.s3DataDestination.kmsKeyArn': created.kmsKeyArn,
  };
  return (Object.keys(wanted) as (keyof typeof wanted)[])
    .filter((field) => field.endsWith('kmsKeyArn') || actual[field] !== undefined)
    .filter((field) => (actual[field] ?? '') !== (wanted[field] ?? ''))
    .map((field) => `${field} is ${actual[field] ?? 'not set'}, the spec says ${wanted[field] ?? 'none'}`);
}

function jobConditions(job: ObservedJob): DesiredCondition[] {
  const reason = job.status
    .toLowerCase()
    .replace(/(^|[\s_])(\w)/g, (_m, _s, c: string) => c.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '');
  const message = `AWS reports the job ${job.status}`;
  const failed = job.status === 'CREATE FAILED';
  const active = job.status === 'ACTIVE';
  return [
    {
      type: 'Ready',
      status: active ? 'True' : 'False',
      reason,
      message: failed ? (job.failureReason ?? message) : message,
    },
    { type: 'Complete', status: active ? 'True' : 'False', reason, message },
    {
      type: 'Failed',
      status: failed ? 'True' : 'False',
      reason,
      message: failed ? (job.failureReason ?? message) : message,
    },
    {
      type: 'Synced',
      status: 'True',
      reason: 'Synced',
      message: 'The status mirrors what AWS reports for the job',
    },
  ];
}

/** Keeps Ready/Complete/Failed as they are and sets Synced, for errors. */
function withSynced(obj: DatasetExportJob, synced: DesiredCondition): DesiredCondition[] {
  const keep = ['Ready', 'Complete', 'Failed'].map((type): DesiredCondition => {
    const c = findCondition(obj.status?.conditions, type);
    return c
      ? { type, status: c.status as DesiredCondition['status'], reason: c.reason, message: c.message }
      : {
          type,
          status: type === 'Failed' ? 'False' : 'Unknown',
          reason: 'NotCreated',
          message: 'The job does not exist in AWS yet',
        };
  });
  return [...keep, synced];
}

function statusWith(
  obj: DatasetExportJob,
  fields: Partial<DatasetExportJobStatus>,
  conditions: DesiredCondition[],
  now: Date,
): DatasetExportJobStatus {
  return {
    ...obj.status,
    ...fields,
    observedGeneration: obj.metadata?.generation,
    conditions: mergeConditions(
      obj.status?.conditions,
      withProgress(conditions),
      obj.metadata?.generation,
      now,
    ),
  };
}

/**
 * Adds kstatus's Reconciling and Stalled, which Flux, kpt and cli-utils read for custom resources (with
 * Ready alone, kstatus calls a failed job InProgress for ever). Reconciling: the job is on its way, or a retry may
 * clear an error by itself. Stalled: the job failed, or a person must act. A paused resource is neither, so
 * kstatus goes by Ready: in progress until the job is ACTIVE.
 */
export function withProgress(conditions: readonly DesiredCondition[]): DesiredCondition[] {
  const own = conditions.filter((c) => c.type !== 'Reconciling' && c.type !== 'Stalled');
  return [...own, ...progressOf(own)];
}

/**
 * A settled status written before Reconciling and Stalled existed, with them added: no AWS call is needed, and
 * without them kstatus would wait for ever on a job that failed before the upgrade.
 */
export function withProgressAdded(obj: DatasetExportJob, now: Date): Update | undefined {
  const conditions = obj.status?.conditions;
  if (!conditions?.length || findCondition(conditions, 'Stalled')) return undefined;
  const desired = conditions.map(
    ({ type, status, reason, message }): DesiredCondition => ({ type, status, reason, message }),
  );
  return {
    kind: 'update',
    status: {
      ...obj.status,
      conditions: mergeConditions(conditions, withProgress(desired), obj.metadata?.generation, now),
    },
    events: [],
    requeue: { kind: 'none' },
  };
}

function progressOf(own: readonly DesiredCondition[]): [DesiredCondition, DesiredCondition] {
  const get = (type: string) => own.find((c) => c.type === type);
  const pair = (
    active: 'Reconciling' | 'Stalled' | undefined,
    { reason, message }: { reason: string; message: string },
  ): [DesiredCondition, DesiredCondition] => [
    { type: 'Reconciling', status: active === 'Reconciling' ? 'True' : 'False', reason, message },
    { type: 'Stalled', status: active === 'Stalled' ? 'True' : 'False', reason, message },
  ];
  const failed = get('Failed');
  const synced = get('Synced');
  if (failed?.status === 'True') return pair('Stalled', failed);
  if (synced?.status === 'False') {
    if (synced.reason === 'Paused') return pair(undefined, synced);
    return pair(TRANSIENT_REASONS.has(synced.reason) ? 'Reconciling' : 'Stalled', synced);
  }
  if (get('Complete')?.status === 'True') {
    return pair(undefined, { reason: 'Complete', message: 'The job finished; the status mirrors it' });
  }
  const waiting = synced?.reason === 'Creating' ? synced : get('Ready');
  return pair(
    'Reconciling',
    waiting ?? { reason: 'NotCreated', message: 'The job does not exist in AWS yet' },
  );
}

/** Warning event and Synced=False for a problem, emitted only when the reason or message is new. */
export function problem(
  obj: DatasetExportJob,
  identity: Partial<Identity>,
  reason: string,
  message: string,
  requeue: Requeue,
  now: Date,
): Update {
  const kept = repeatedProblem(obj, reason, message);
  const synced: DesiredCondition = { type: 'Synced', status: 'False', reason, message: kept ?? message };
  const repeated = kept !== undefined;
  const fields: Partial<DatasetExportJobStatus> = {
    ...(identity.jobName ? { jobName: identity.jobName } : {}),
    ...(identity.region ? { region: identity.region } : {}),
  };
  return {
    kind: 'update',
    status: statusWith(obj, fields, withSynced(obj, synced), now),
    events: repeated ? [] : [{ type: 'Warning', reason, action: 'Reconcile', note: message }],
    requeue,
  };
}

export function invalidSpec(obj: DatasetExportJob, message: string, now: Date): Update {
  return problem(obj, {}, 'InvalidSpec', message, { kind: 'none' }, now);
}

/** Whether AWS already has spec.tags, as far as status.tags knows; no tags on either side is in sync. */
export function tagsInSync(obj: DatasetExportJob): boolean {
  return isDeepStrictEqual(obj.spec.tags ?? {}, obj.status?.tags ?? {});
}

/** Synced reasons under which the operator made no AWS call: the resource was paused or its annotation refused. */
const HALTED = new Set(['Paused', 'InvalidAnnotation']);

/**
 * A paused resource: no AWS call, the job conditions kept, Synced=False saying so. A pending reconcile request
 * stays pending, to be served once resumed.
 */
export function paused(obj: DatasetExportJob, now: Date): Update {
  const old = findCondition(obj.status?.conditions, 'Synced');
  const message = `Paused by the annotation ${PAUSED_ANNOTATION}: no AWS calls until it is removed or set to "false"`;
  return {
    kind: 'update',
    status: statusWith(
      obj,
      {},
      withSynced(obj, { type: 'Synced', status: 'False', reason: 'Paused', message }),
      now,
    ),
    events:
      old?.reason === 'Paused' ? [] : [{ type: 'Normal', reason: 'Paused', action: 'Pause', note: message }],
    requeue: { kind: 'none' },
  };
}

/**
 * The first update after a halt (a pause, or an annotation refused, such as a malformed pause) was lifted says
 * so, whatever comes next: the way out of a pause through a refused value ends in Resumed too.
 */
export function withResumed(obj: DatasetExportJob, update: Update): Update {
  const before = findCondition(obj.status?.conditions, 'Synced')?.reason ?? '';
  const after = findCondition(update.status.conditions, 'Synced')?.reason ?? '';
  if (!HALTED.has(before) || HALTED.has(after)) return update;
  const note =
    before === 'Paused'
      ? `The annotation ${PAUSED_ANNOTATION} was lifted: AWS calls resume`
      : 'The refused annotation was corrected: AWS calls resume';
  return {
    ...update,
    events: [{ type: 'Normal', reason: 'Resumed', action: 'Resume', note }, ...update.events],
  };
}

export function invalidAnnotation(obj: DatasetExportJob, message: string, now: Date): Update {
  return problem(obj, {}, 'InvalidAnnotation', message, { kind: 'none' }, now);
}

/** AWS's error as a condition message: code, message and the request ID to quote to AWS support. */
export const errorMessage = (error: ClassifiedError) =>
  `${error.code}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`;

const withoutRequestId = (message: string) => message.replace(/ \(request [^)]*\)$/, '');

/**
 * The Synced message already shown when the same problem is back, differing at most in AWS's request ID:
 * kept as it is, so a retry of one error writes no status and records no second event.
 */
export function repeatedProblem(obj: DatasetExportJob, reason: string, message: string): string | undefined {
  const old = findCondition(obj.status?.conditions, 'Synced');
  const same =
    old?.status === 'False' &&
    old.reason === reason &&
    withoutRequestId(old.message) === withoutRequestId(message);
  return same ? old.message : undefined;
}

/** Transient failures back off; those that need a person are retried slowly. */
export const retryAfter = (error: ClassifiedError, settings: DecideSettings): Requeue =>
  error.class === 'transient' ? { kind: 'backoff' } : { kind: 'after', ms: settings.actionableRetryMs };

const iso = (d: Date | undefined) => d?.toISOString().replace(/\.\d+Z$/, 'Z');

/** A reconcile request counts as handled only once AWS answered (a failed call keeps it pending, and retried). */
const handled = (obj: DatasetExportJob): Partial<DatasetExportJobStatus> => {
  const requested = reconcileRequest(obj);
  return requested === undefined ? {} : { lastHandledReconcileAt: requested };
};

/** What the reconcile knows beyond AWS's answer. */
export interface DecideContext {
  /** This reconcile's own Create produced the job. */
  justCreated?: boolean;
  /** Another resource (namespace/name) already manages the job: it recorded its ARN, or created it. */
  claimedBy?: string;
  /** The owner the job's tags record, read when a job is first seen without this resource creating it. */
  owner?: Owner;
  /** A job the operator did not create may be adopted (operator flag or namespace annotation). */
  adoptionAllowed?: boolean;
}

/**
 * What to do next, from the resource, its identity, what AWS said and the context: a pure function, so every
 * branch is tested without servers.
 */
export function decide(
  obj: DatasetExportJob,
  identity: Identity,
  observation: Observation,
  settings: DecideSettings,
  { justCreated = false, claimedBy, owner, adoptionAllowed = false }: DecideContext = {},
): Decision {
  const { now } = settings;
  switch (observation.kind) {
    case 'failed': {
      const { error } = observation;
      return problem(obj, identity, error.reason, errorMessage(error), retryAfter(error, settings), now);
    }
    case 'missing': {
      if (justCreated) {
        // Create succeeded but Describe does not see the job yet (eventual consistency): look again soon.
        return {
          kind: 'update',
          status: statusWith(
            obj,
            {
              datasetExportJobArn: identity.arn,
              jobName: identity.jobName,
              region: identity.region,
              tags: obj.spec.tags,
              ...handled(obj),
            },
            withSynced(obj, {
              type: 'Synced',
              status: 'True',
              reason: 'Creating',
              message: 'CreateDatasetExportJob succeeded',
            }),
            now,
          ),
          events: [{ type: 'Normal', reason: 'Created', action: 'Create', note: `Created ${identity.arn}` }],
          requeue: { kind: 'after', ms: settings.pollDelay(0) },
        };
      }
      if (obj.status?.datasetExportJobArn) {
        return problem(
          obj,
          identity,
          'JobMissing',
          `${obj.status.datasetExportJobArn} was seen before but DescribeDatasetExportJob no longer finds it; not creating it again`,
          { kind: 'after', ms: settings.actionableRetryMs },
          now,
        );
      }
      return { kind: 'create', identity };
    }
    case 'found': {
      const { job } = observation;
      if (job.datasetArn && job.datasetArn !== obj.spec.datasetArn) {
        return problem(
          obj,
          identity,
          'NameConflict',
          `The job name ${identity.jobName} is already used by an export of ${job.datasetArn} (${job.datasetExportJobArn}). ` +
            'AWS job names are unique per account and region and cannot be reused: create a new DatasetExportJob with another spec.jobName, or omit it to get a generated name.',
          { kind: 'none' },
          now,
        );
      }
      const firstSight = !obj.status?.datasetExportJobArn && !justCreated;
      if (firstSight && owner && owner.namespace !== obj.metadata?.namespace) {
        return problem(
          obj,
          identity,
          'OwnedByAnotherNamespace',
          `The job ${identity.jobName} belongs to a DatasetExportJob in namespace ${owner.namespace} (its ${OWNER_TAGS.namespace} tag): a resource manages only jobs of its own namespace, and nothing of this job is shown here. Choose another spec.jobName, or omit it to get a generated name.`,
          { kind: 'none' },
          now,
        );
      }
      // A derived name embeds this resource's UID, so only this resource can have created such a job (also
      // when a crash lost the status write after Create), as can one whose owner tags carry its UID (a Create
      // whose answer was lost). Any other job under a chosen spec.jobName is adoption, of a job that must be
      // the one the spec describes.
      const ours = owner?.uid !== undefined && owner.uid === obj.metadata?.uid;
      const adopted = firstSight && !ours && obj.spec.jobName !== undefined;
      if (adopted && claimedBy) {
        // Not settled: once the other resource is deleted, this one may adopt the job.
        return problem(
          obj,
          identity,
          'AlreadyManaged',
          `The job ${identity.jobName} is already managed by DatasetExportJob ${claimedBy}: one job, one resource. ` +
            'Delete this resource, or choose another spec.jobName (or omit it) to export again.',
          { kind: 'after', ms: settings.actionableRetryMs },
          now,
        );
      }
      if (adopted && !owner && !adoptionAllowed) {
        return problem(
          obj,
          identity,
          'AdoptionNotAllowed',
          `The job ${identity.jobName} exists and was not created by this operator; adopting it is not allowed here. ` +
            `An administrator allows it for this namespace with the annotation ${ADOPTION_ANNOTATION}: "true" on the Namespace, or for all with the operator flag --allow-adoption. To export again instead, choose another spec.jobName or omit it.`,
          { kind: 'after', ms: settings.actionableRetryMs },
          now,
        );
      }
      const mismatch = adopted ? differences(obj.spec, job.created) : [];
      if (mismatch.length) {
        return problem(
          obj,
          identity,
          'SpecMismatch',
          `The job ${identity.jobName} already exists with other settings: ${mismatch.join('; ')}. ` +
            'An export job cannot change and its name cannot be reused: to adopt it, create a DatasetExportJob whose spec matches it (`personalize-operator import` writes one); to export again, choose another spec.jobName or omit it.',
          { kind: 'none' },
          now,
        );
      }
      const events: EventSpec[] = [];
      if (!obj.status?.datasetExportJobArn) {
        events.push(
          adopted
            ? {
                type: 'Normal',
                reason: 'Adopted',
                action: 'Adopt',
                note: `Adopted existing job ${job.datasetExportJobArn}`,
              }
            : {
                type: 'Normal',
                reason: 'Created',
                action: 'Create',
                note: `Created ${job.datasetExportJobArn}`,
              },
        );
      }
      if (obj.status?.status !== job.status) {
        const from = obj.status?.status ?? 'nothing';
        events.push({
          type: job.status === 'CREATE FAILED' ? 'Warning' : 'Normal',
          reason: job.status === 'CREATE FAILED' ? 'CreateFailed' : 'StatusChanged',
          action: 'Observe',
          note: `${from} → ${job.status}${job.failureReason ? `: ${job.failureReason}` : ''}`,
        });
      }
      const terminal = TERMINAL.has(job.status);
      const age = job.creationDateTime ? now.getTime() - job.creationDateTime.getTime() : 0;
      return {
        kind: 'update',
        status: statusWith(
          obj,
          {
            datasetExportJobArn: job.datasetExportJobArn,
            jobName: job.jobName,
            region: identity.region,
            status: job.status,
            failureReason: job.failureReason,
            creationDateTime: iso(job.creationDateTime),
            lastUpdatedDateTime: iso(job.lastUpdatedDateTime),
            ...(justCreated ? { tags: obj.spec.tags } : {}),
            ...handled(obj),
          },
          jobConditions(job),
          now,
        ),
        events,
        requeue: terminal ? { kind: 'none' } : { kind: 'after', ms: settings.pollDelay(age) },
      };
    }
  }
}

/** The CreateDatasetExportJob input for a resource: the spec, with the default ingestion mode made explicit. */
export function createInput(obj: DatasetExportJob, identity: Identity) {
  const { spec } = obj;
  return {
    jobName: identity.jobName,
    datasetArn: spec.datasetArn,
    ingestionMode: spec.ingestionMode ?? AWS.defaultIngestionMode,
    roleArn: spec.roleArn,
    jobOutput: {
      s3DataDestination: {
        path: spec.jobOutput.s3DataDestination.path,
        ...(spec.jobOutput.s3DataDestination.kmsKeyArn
          ? { kmsKeyArn: spec.jobOutput.s3DataDestination.kmsKeyArn }
          : {}),
      },
    },
    // The owner tags travel with the Create, so no job of the operator's ever exists without them.
    tags: Object.entries({ ...spec.tags, ...ownerTags(obj) }).map(([tagKey, tagValue]) => ({
      tagKey,
      tagValue,
    })),
  };
}
