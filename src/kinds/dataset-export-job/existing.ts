/**
 * Existing dataset export jobs as `import` reads them: ListDatasetExportJobs, then DescribeDatasetExportJob for
 * the spec each was created with.
 */
import {
  DescribeDatasetExportJobCommand,
  type PersonalizeClient,
  paginateListDatasetExportJobs,
} from '@aws-sdk/client-personalize';
import type { ExistingJobReader } from '../../personalize-job/existing-jobs.js';
import { datasetExportJob } from './manifest.js';
import type { DatasetExportJobSpec, IngestionMode } from './types.js';

export const existingExportJobs: ExistingJobReader<
  DatasetExportJobSpec,
  ReturnType<typeof datasetExportJob>
> = {
  async *list(client: PersonalizeClient, datasetArn?: string) {
    const pages = paginateListDatasetExportJobs({ client, pageSize: 100 }, datasetArn ? { datasetArn } : {});
    for await (const page of pages)
      for (const job of page.datasetExportJobs ?? [])
        yield { arn: job.datasetExportJobArn ?? '', jobName: job.jobName };
  },
  async specOf(client, arn) {
    const job = (await client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn: arn })))
      .datasetExportJob;
    const path = job?.jobOutput?.s3DataDestination?.path;
    const kmsKeyArn = job?.jobOutput?.s3DataDestination?.kmsKeyArn;
    if (!job?.jobName || !job.datasetArn || !job.roleArn || !path)
      return { missing: 'jobName, datasetArn, roleArn or jobOutput.s3DataDestination.path' };
    return {
      jobName: job.jobName,
      spec: {
        jobName: job.jobName,
        datasetArn: job.datasetArn,
        ...(job.ingestionMode ? { ingestionMode: job.ingestionMode as IngestionMode } : {}),
        roleArn: job.roleArn,
        jobOutput: { s3DataDestination: { path, ...(kmsKeyArn ? { kmsKeyArn } : {}) } },
      },
    };
  },
  manifest: datasetExportJob,
};
