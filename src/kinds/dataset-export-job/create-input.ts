/**
 * The CreateDatasetExportJob input for a resource.
 */
import { AWS } from '../../api/aws-constraints.js';
import { ownerTags } from '../../api/ownership.js';
import type { DatasetExportJob } from '../../api/types.js';
import type { Identity } from '../../personalize-job/observation.js';

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
