/**
 * The dataset export job as the Personalize job lifecycle knows it: its names, its dataset, the settings
 * CreateDatasetExportJob fixes, and its three calls over the SDK.
 */
import {
  CreateDatasetExportJobCommand,
  type CreateDatasetExportJobCommandInput,
  DescribeDatasetExportJobCommand,
  ListDatasetExportJobsCommand,
} from '@aws-sdk/client-personalize';
import { AWS } from '../../api/aws-constraints.js';
import type { JobKind } from '../../personalize-job/job-kind.js';
import { described, listed } from '../../personalize-job/summary.js';
import { createInput } from './create-input.js';
import { DATASET_ARN, KIND } from './schema.js';
import type { DatasetExportJobSpec } from './types.js';

export const exportJob: JobKind<DatasetExportJobSpec, CreateDatasetExportJobCommandInput> = {
  kind: KIND,
  arnField: 'datasetExportJobArn',
  arnResource: 'dataset-export-job',
  verb: 'export',
  operations: {
    create: 'CreateDatasetExportJob',
    describe: 'DescribeDatasetExportJob',
    list: 'ListDatasetExportJobs',
  },
  parent: {
    field: 'datasetArn',
    noun: 'dataset',
    pattern: DATASET_ARN,
    form: 'arn:<partition>:personalize:<region>:<account>:dataset/...',
    arn: (spec) => spec.datasetArn,
  },
  settings: (spec) => [
    { field: 'ingestionMode', wanted: spec.ingestionMode ?? AWS.defaultIngestionMode },
    { field: 'roleArn', wanted: spec.roleArn },
    { field: 'jobOutput.s3DataDestination.path', wanted: spec.jobOutput.s3DataDestination.path },
    {
      field: 'jobOutput.s3DataDestination.kmsKeyArn',
      wanted: spec.jobOutput.s3DataDestination.kmsKeyArn,
      optional: true,
    },
  ],
  createInput,
  calls: {
    async create(client, input, options) {
      const out = await client.send(new CreateDatasetExportJobCommand(input), options);
      return { arn: out.datasetExportJobArn, requestId: out.$metadata.requestId };
    },
    async describe(client, arn, options) {
      const out = await client.send(
        new DescribeDatasetExportJobCommand({ datasetExportJobArn: arn }),
        options,
      );
      const job = out.datasetExportJob;
      return described(out, job, job?.datasetExportJobArn ?? arn, (j) => ({
        ingestionMode: j.ingestionMode,
        roleArn: j.roleArn,
        'jobOutput.s3DataDestination.path': j.jobOutput?.s3DataDestination?.path,
        'jobOutput.s3DataDestination.kmsKeyArn': j.jobOutput?.s3DataDestination?.kmsKeyArn,
      }));
    },
    async list(client, { parentArn, nextToken, maxResults }, options) {
      const out = await client.send(
        new ListDatasetExportJobsCommand({ datasetArn: parentArn, nextToken, maxResults }),
        options,
      );
      return { jobs: listed(out.datasetExportJobs, (j) => j.datasetExportJobArn), nextToken: out.nextToken };
    },
  },
};
