/**
 * Taking up a job this resource did not just create: whose it is, and whether it is the one the spec describes.
 */
import { AWS } from '../api/aws-constraints.js';
import { OWNER_TAGS } from '../api/ownership.js';
import { ADOPTION_ANNOTATION } from '../api/schema.js';
import type { DatasetExportJob } from '../api/types.js';
import type { DecideContext, DecideSettings, Update } from './decision.js';
import type { Identity, ObservedJob } from './observation.js';
import { problem } from './problems.js';

/** The job under the spec's name is not the one the spec describes; the spec cannot change, so it stays so. */
export const SETTLING_CONFLICTS = new Set(['NameConflict', 'SpecMismatch', 'OwnedByAnotherNamespace']);

/**
 * Where an existing job differs from the spec. What AWS does not report cannot be checked and counts as a
 * difference (a list summary reports no settings): a job is never taken up on trust. Only the KMS key is
 * optional in AWS's answer, its absence meaning none.
 */
export function differences(spec: DatasetExportJob['spec'], job: ObservedJob): string[] {
  const { created } = job;
  const fields: [field: string, actual: string | undefined, wanted: string | undefined, optional?: true][] = [
    ['datasetArn', job.datasetArn, spec.datasetArn],
    ['ingestionMode', created?.ingestionMode, spec.ingestionMode ?? AWS.defaultIngestionMode],
    ['roleArn', created?.roleArn, spec.roleArn],
    ['jobOutput.s3DataDestination.path', created?.path, spec.jobOutput.s3DataDestination.path],
    [
      'jobOutput.s3DataDestination.kmsKeyArn',
      created?.kmsKeyArn,
      spec.jobOutput.s3DataDestination.kmsKeyArn,
      true,
    ],
  ];
  return fields.flatMap(([field, actual, wanted, optional]) => {
    if (!created || (actual === undefined && !optional)) return [`${field} is not reported by AWS`];
    if ((actual ?? '') === (wanted ?? '')) return [];
    return [`${field} is ${actual ?? 'not set'}, the spec says ${wanted ?? 'none'}`];
  });
}

/** The resource recorded, before its Create call, that it was about to create this job name. */
export const createRecorded = (obj: DatasetExportJob, jobName: string): boolean =>
  obj.status?.createRequested?.jobName === jobName;

/**
 * Whether this resource may take up a job AWS has under its name, first seen without this process having
 * just created it for this resource. The job's owner tags are a hint that may refuse (another namespace's)
 * but never vouch: anyone allowed to tag can forge them. Refused: another dataset's job, another namespace's,
 * one another resource manages, one whose settings differ from the spec (whatever its tags say), and one this
 * resource did not record it was about to create unless adoption is allowed. Nothing of the job is shown
 * with a refusal.
 */
export function takingUp(
  obj: DatasetExportJob,
  identity: Identity,
  job: ObservedJob,
  settings: DecideSettings,
  { justCreated = false, createdHere = false, claimedBy, owner, adoptionAllowed = false }: DecideContext,
): Update | { kind: 'take'; adopted: boolean } {
  const { now } = settings;
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
  // Created by this process for this very resource (the answer or the status write was lost): its settings
  // are the spec's, which cannot change.
  if (!firstSight || createdHere) return { kind: 'take', adopted: false };
  if (owner && owner.namespace !== obj.metadata?.namespace) {
    return problem(
      obj,
      identity,
      'OwnedByAnotherNamespace',
      `The job ${identity.jobName} belongs to a DatasetExportJob in namespace ${owner.namespace} (its ${OWNER_TAGS.namespace} tag): a resource manages only jobs of its own namespace, and nothing of this job is shown here. Choose another spec.jobName, or omit it to get a generated name.`,
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
      `The job ${identity.jobName} is already managed by DatasetExportJob ${claimedBy}: one job, one resource. ` +
        'Delete this resource, or choose another spec.jobName (or omit it) to export again.',
      { kind: 'after', ms: settings.actionableRetryMs },
      now,
    );
  }
  const mismatch = differences(obj.spec, job);
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
  // This resource recorded that it was about to create the job (a crash or a lost answer came between):
  // its own, with nothing to opt into. Any other job is adoption.
  const adopted = !createRecorded(obj, identity.jobName);
  if (adopted && !adoptionAllowed) {
    return problem(
      obj,
      identity,
      'AdoptionNotAllowed',
      `The job ${identity.jobName} exists and this resource did not record creating it; adopting it is not allowed here. ` +
        `An administrator allows it for this namespace with the annotation ${ADOPTION_ANNOTATION}: "true" on the Namespace, or for all with the operator flag --allow-adoption. To export again instead, choose another spec.jobName or omit it.`,
      { kind: 'after', ms: settings.actionableRetryMs },
      now,
    );
  }
  return { kind: 'take', adopted };
}
