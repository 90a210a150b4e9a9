/**
 * The CreateDatasetExportJob input for a resource.
 */
import type { CreateDatasetExportJobCommandInput } from '@aws-sdk/client-personalize';
import { AWS } from '../../api/aws-constraints.js';
import type { TagPair } from '../../personalize-job/job-kind.js';
import type { JobResource } from '../../personalize-job/job-resource.js';
import type { Identity } from '../../personalize-job/observation.js';
import type { DatasetExportJobSpec } from './types.js';

/** The spec, with the default ingestion mode made explicit. */
export function createInput(
  { spec }: JobResource<DatasetExportJobSpec>,
  identity: Identity,
  tags: TagPair[],
): CreateDatasetExportJobCommandInput {
  const { path, kmsKeyArn } = spec.jobOutput.s3DataDestination;
  return {
    jobName: identity.jobName,
    datasetArn: spec.datasetArn,
    ingestionMode: spec.ingestionMode ?? AWS.defaultIngestionMode,
    roleArn: spec.roleArn,
    jobOutput: { s3DataDestination: { path, ...(kmsKeyArn ? { kmsKeyArn } : {}) } },
    tags,
  };
}
