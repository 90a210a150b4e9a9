/**
 * The dataset import job as the Personalize job lifecycle knows it: its names, its dataset, the settings
 * CreateDatasetImportJob fixes, its Create input, and its three calls over the SDK.
 */
import {
  CreateDatasetImportJobCommand,
  type CreateDatasetImportJobCommandInput,
  DescribeDatasetImportJobCommand,
  type ImportMode,
  ListDatasetImportJobsCommand,
} from '@aws-sdk/client-personalize';
import { AWS } from '../../api/aws-constraints.js';
import { DATASET_ARN } from '../../api/job-schema.js';
import type { JobKind } from '../../personalize-job/job-kind.js';
import { described, listed } from '../../personalize-job/summary.js';
import { IMPORT_KIND } from './schema.js';
import type { DatasetImportJobSpec } from './types.js';

/** A flag AWS may leave out when it is off: only `true` is shown, so off and absent compare equal. */
const flag = (value: boolean | undefined) => (value ? 'true' : undefined);

export const importJob: JobKind<DatasetImportJobSpec, CreateDatasetImportJobCommandInput> = {
  kind: IMPORT_KIND,
  arnField: 'datasetImportJobArn',
  arnResource: 'dataset-import-job',
  verb: 'import',
  operations: {
    create: 'CreateDatasetImportJob',
    describe: 'DescribeDatasetImportJob',
    list: 'ListDatasetImportJobs',
  },
  parent: {
    field: 'datasetArn',
    noun: 'dataset',
    pattern: DATASET_ARN,
    form: 'arn:<partition>:personalize:<region>:<account>:dataset/...',
    arn: (spec) => spec.datasetArn,
  },
  settings: (spec) => [
    { field: 'importMode', wanted: spec.importMode ?? AWS.defaultImportMode },
    // Optional in AWS (a bucket policy may grant access instead): its absence means none.
    { field: 'roleArn', wanted: spec.roleArn, optional: true },
    { field: 'dataSource.dataLocation', wanted: spec.dataSource.dataLocation },
    {
      field: 'publishAttributionMetricsToS3',
      wanted: flag(spec.publishAttributionMetricsToS3),
      optional: true,
    },
  ],
  createInput: ({ spec }, identity, tags) => ({
    jobName: identity.jobName,
    datasetArn: spec.datasetArn,
    dataSource: { dataLocation: spec.dataSource.dataLocation },
    ...(spec.roleArn ? { roleArn: spec.roleArn } : {}),
    importMode: (spec.importMode ?? AWS.defaultImportMode) as ImportMode,
    ...(spec.publishAttributionMetricsToS3 !== undefined
      ? { publishAttributionMetricsToS3: spec.publishAttributionMetricsToS3 }
      : {}),
    tags,
  }),
  // Another import is loading the dataset (AWS allows one at a time), or the dataset is still being created.
  transientCreateErrors: { ResourceInUseException: 'DatasetBusy' },
  calls: {
    async create(client, input, options) {
      const out = await client.send(new CreateDatasetImportJobCommand(input), options);
      return { arn: out.datasetImportJobArn, requestId: out.$metadata.requestId };
    },
    async describe(client, arn, options) {
      const out = await client.send(
        new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn }),
        options,
      );
      const job = out.datasetImportJob;
      return described(out, job, job?.datasetImportJobArn ?? arn, (j) => ({
        importMode: j.importMode,
        roleArn: j.roleArn,
        'dataSource.dataLocation': j.dataSource?.dataLocation,
        publishAttributionMetricsToS3: flag(j.publishAttributionMetricsToS3),
      }));
    },
    async list(client, { parentArn, nextToken, maxResults }, options) {
      const out = await client.send(
        new ListDatasetImportJobsCommand({ datasetArn: parentArn, nextToken, maxResults }),
        options,
      );
      return { jobs: listed(out.datasetImportJobs, (j) => j.datasetImportJobArn), nextToken: out.nextToken };
    },
  },
};
