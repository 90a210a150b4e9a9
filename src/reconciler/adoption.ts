//! Taking up a job this resource did not just create: whose it is, and whether it is the one the spec describes.
import { AWS } from '../api/aws-constraints.js';
import { OWNER_TAGS } from '../api/ownership.js';
import { ADOPTION_ANNOTATION } from '../api/schema.js';
import type { DatasetExportJob } from '../api/types.js';
import type { Identity, ObservedJob } from '../aws/observation.js';
import { problem } from './problems.js';
import type { DecideContext, DecideSettings, Update } from './types.js';

/** The job under the spec's name is not the one the spec describes; the spec cannot change, so it stays so. */
export const SETTLING_CONFLICTS = new Set(['NameConflict', 'SpecMismatch', 'OwnedByAnotherNamespace']);

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

/**
 * Whether this resource may take up a job AWS has under its name: not another dataset's, not another
 * namespace's, not one another resource manages, not a foreign one unless adoption is allowed, and only the
 * job the spec describes. Otherwise the problem to show; nothing of the job is shown with it.
 */
export function takingUp(
  obj: DatasetExportJob,
  identity: Identity,
  job: ObservedJob,
  settings: DecideSettings,
  { justCreated = false, claimedBy, owner, adoptionAllowed = false }: DecideContext,
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
  return { kind: 'take', adopted };
}
