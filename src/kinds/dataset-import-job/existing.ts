/**
 * Existing dataset import jobs as `import` reads them: ListDatasetImportJobs, then DescribeDatasetImportJob for
 * the spec each was created with.
 */
import {
  DescribeDatasetImportJobCommand,
  type PersonalizeClient,
  paginateListDatasetImportJobs,
} from '@aws-sdk/client-personalize';
import type { ExistingJobReader } from '../../personalize-job/existing-jobs.js';
import { datasetImportJob } from './manifest.js';
import type { DatasetImportJobSpec, ImportMode } from './types.js';

export const existingImportJobs: ExistingJobReader<
  DatasetImportJobSpec,
  ReturnType<typeof datasetImportJob>
> = {
  async *list(client: PersonalizeClient, datasetArn?: string) {
    const pages = paginateListDatasetImportJobs({ client, pageSize: 100 }, datasetArn ? { datasetArn } : {});
    for await (const page of pages)
      for (const job of page.datasetImportJobs ?? [])
        yield { arn: job.datasetImportJobArn ?? '', jobName: job.jobName };
  },
  async specOf(client, arn) {
    const job = (await client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn })))
      .datasetImportJob;
    const dataLocation = job?.dataSource?.dataLocation;
    if (!job?.jobName || !job.datasetArn || !dataLocation)
      return { missing: 'jobName, datasetArn or dataSource.dataLocation' };
    return {
      jobName: job.jobName,
      spec: {
        jobName: job.jobName,
        datasetArn: job.datasetArn,
        dataSource: { dataLocation },
        ...(job.roleArn ? { roleArn: job.roleArn } : {}),
        ...(job.importMode ? { importMode: job.importMode as ImportMode } : {}),
        ...(job.publishAttributionMetricsToS3 ? { publishAttributionMetricsToS3: true } : {}),
      },
    };
  },
  manifest: datasetImportJob,
};
