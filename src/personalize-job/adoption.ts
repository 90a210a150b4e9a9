/**
 * Taking up a job this resource did not just create: whose it is, and whether it is the one the spec describes.
 */

import { ADOPTION_ANNOTATION } from '../api/annotations.js';
import { OWNER_TAGS } from '../api/ownership.js';
import type { DecideContext, DecideSettings, Update } from './decision.js';
import type { JobKind, Setting } from './job-kind.js';
import type { JobResource, JobSpec } from './job-resource.js';
import type { Identity, ObservedJob } from './observation.js';
import { problem } from './problems.js';

/** The job under the spec's name is not the one the spec describes; the spec cannot change, so it stays so. */
export const SETTLING_CONFLICTS = new Set(['NameConflict', 'SpecMismatch', 'OwnedByAnotherNamespace']);

/**
 * Where an existing job differs from the spec: its parent (dataset), then each setting Create fixed. What AWS
 * does not report cannot be checked and counts as a difference (a list summary reports no settings): a job is
 * never taken up on trust. Only an optional setting (a KMS key) may be absent from AWS's answer, meaning none.
 */
export function differences<S extends JobSpec>(kind: JobKind<S>, spec: S, job: ObservedJob): string[] {
  const { created } = job;
  const fields: Setting[] = [
    { field: kind.parent.field, wanted: kind.parent.arn(spec) },
    ...kind.settings(spec),
  ];
  return fields.flatMap(({ field, wanted, optional }) => {
    const actual = field === kind.parent.field ? job.parentArn : created?.[field];
    if (!created || (actual === undefined && !optional)) return [`${field} is not reported by AWS`];
    if ((actual ?? '') === (wanted ?? '')) return [];
    return [`${field} is ${actual ?? 'not set'}, the spec says ${wanted ?? 'none'}`];
  });
}

/** The resource recorded, before its Create call, that it was about to create this job name. */
export const createRecorded = (obj: JobResource, jobName: string): boolean =>
  obj.status?.createRequested?.jobName === jobName;

/**
 * Whether this resource may take up a job AWS has under its name, first seen without this process having
 * just created it for this resource. The job's owner tags are a hint that may refuse (another namespace's)
 * but never vouch: anyone allowed to tag can forge them. Refused: another dataset's job, another namespace's,
 * one another resource manages, one whose settings differ from the spec (whatever its tags say), and one this
 * resource did not record it was about to create unless adoption is allowed. Nothing of the job is shown
 * with a refusal.
 */
export function takingUp<S extends JobSpec>(
  obj: JobResource<S>,
  identity: Identity,
  job: ObservedJob,
  settings: DecideSettings<S>,
  { justCreated = false, createdHere = false, claimedBy, owner, adoptionAllowed = false }: DecideContext,
): Update | { kind: 'take'; adopted: boolean } {
  const { now, kind } = settings;
  if (job.parentArn && job.parentArn !== kind.parent.arn(obj.spec)) {
    return problem(
      obj,
      identity,
      'NameConflict',
      `The job name ${identity.jobName} is already used by an ${kind.verb} of ${job.parentArn} (${job.arn}). ` +
        `AWS job names are unique per account and region and cannot be reused: create a new ${kind.kind} with another spec.jobName, or omit it to get a generated name.`,
      { kind: 'none' },
      now,
    );
  }
  const firstSight = !obj.status?.jobArn && !justCreated;
  // Created by this process for this very resource (the answer or the status write was lost): its settings
  // are the spec's, which cannot change.
  if (!firstSight || createdHere) return { kind: 'take', adopted: false };
  if (owner && owner.namespace !== obj.metadata?.namespace) {
    return problem(
      obj,
      identity,
      'OwnedByAnotherNamespace',
      `The job ${identity.jobName} belongs to a ${kind.kind} in namespace ${owner.namespace} (its ${OWNER_TAGS.namespace} tag): a resource manages only jobs of its own namespace, and nothing of this job is shown here. Choose another spec.jobName, or omit it to get a generated name.`,
      { kind: 'none' },
      now,
    );
  }
  if (claimedBy) {
    // Not settled: once the other resource is deleted, this one may take the job up.
    return problem(
      obj,
      identity,
      'AlreadyManaged',
      `The job ${identity.jobName} is already managed by ${kind.kind} ${claimedBy}: one job, one resource. ` +
        `Delete this resource, or choose another spec.jobName (or omit it) to ${kind.verb} again.`,
      { kind: 'after', ms: settings.actionableRetryMs },
      now,
    );
  }
  const mismatch = differences(kind, obj.spec, job);
  if (mismatch.length) {
    return problem(
      obj,
      identity,
      'SpecMismatch',
      `The job ${identity.jobName} already exists with other settings: ${mismatch.join('; ')}. ` +
        `An ${kind.verb} job cannot change and its name cannot be reused: to adopt it, create a ${kind.kind} whose spec matches it (\`personalize-operator import\` writes one); to ${kind.verb} again, choose another spec.jobName or omit it.`,
      { kind: 'none' },
      now,
    );
  }
  // This resource recorded that it was about to create the job (a crash or a lost answer came between):
  // its own, with nothing to opt into. Any other job is adoption.
  const adopted = !createRecorded(obj, identity.jobName);
  if (adopted && !adoptionAllowed) {
    return problem(
      obj,
      identity,
      'AdoptionNotAllowed',
      `The job ${identity.jobName} exists and this resource did not record creating it; adopting it is not allowed here. ` +
        `An administrator allows it for this namespace with the annotation ${ADOPTION_ANNOTATION}: "true" on the Namespace, or for all with the operator flag --allow-adoption. To ${kind.verb} again instead, choose another spec.jobName or omit it.`,
      { kind: 'after', ms: settings.actionableRetryMs },
      now,
    );
  }
  return { kind: 'take', adopted };
}
