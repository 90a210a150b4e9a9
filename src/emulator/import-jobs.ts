/**
 * CreateDatasetImportJob, DescribeDatasetImportJob and ListDatasetImportJobs, with AWS's validation and errors.
 * The job reads CSV from the emulator's local S3 when it runs (lifecycle.ts), so an export after it shows what
 * it imported.
 */
import { AWS } from '../api/aws-constraints.js';
import { arn, type Operation, seconds } from './context.js';
import { findDataset } from './datasets.js';
import { alreadyExists, inUse, invalidInput, limitExceeded, notFound } from './errors.js';
import { importJobIndex } from './job-index.js';
import { listPage } from './list.js';
import { ACTIVE, type ImportJob, isTerminal, PENDING } from './model.js';
import { ARN, NAME, ROLE_ARN, S3_LOCATION, type Shape, TAGS, validateInput } from './shapes.js';
import { checkTags } from './tags.js';

const DATA_SOURCE: Shape = { kind: 'structure', required: [], members: { dataLocation: S3_LOCATION } };
const IMPORT_MODE: Shape = { kind: 'enum', values: AWS.importModes };

export const createDatasetImportJob: Operation = async (ctx, input) => {
  validateInput(
    {
      jobName: NAME,
      datasetArn: ARN,
      dataSource: DATA_SOURCE,
      roleArn: ROLE_ARN,
      importMode: IMPORT_MODE,
      publishAttributionMetricsToS3: { kind: 'boolean' },
      tags: TAGS,
    },
    ['jobName', 'datasetArn', 'dataSource'],
    input,
  );
  const tags = checkTags(input.tags);
  const dataLocation = (input.dataSource as { dataLocation?: string }).dataLocation;
  // Optional in the API model's shape, but an import has nothing to read without it: AWS refuses it too.
  if (!dataLocation) throw invalidInput('dataSource.dataLocation: a value is required');
  const jobName = input.jobName as string;
  const datasetImportJobArn = arn(ctx, `dataset-import-job/${jobName}`);
  if (ctx.state.importJobs?.[datasetImportJobArn]) {
    throw alreadyExists(`Dataset import job ${datasetImportJobArn} already exists.`);
  }
  const dataset = findDataset(ctx, input.datasetArn as string);
  if (dataset.status !== ACTIVE) {
    throw inUse(`Dataset ${dataset.datasetArn} is not ACTIVE (status ${dataset.status}).`);
  }
  const importMode = (input.importMode as string | undefined) ?? AWS.defaultImportMode;
  if (importMode === 'INCREMENTAL' && !dataset.bulkImported) {
    throw invalidInput(
      `importMode: INCREMENTAL needs a dataset that a FULL import has loaded before; ${dataset.datasetArn} has none`,
    );
  }
  const inFlight = importJobIndex.of(ctx.state).filter((j) => !isTerminal(j.status));
  if (inFlight.some((j) => j.datasetArn === dataset.datasetArn)) {
    throw inUse(`Another dataset import job into ${dataset.datasetArn} is pending or in progress.`);
  }
  if (inFlight.length >= AWS.maxImportJobsInFlight) {
    throw limitExceeded(
      `More than ${AWS.maxImportJobsInFlight} resources with PENDING or IN_PROGRESS status.`,
    );
  }
  const now = ctx.now();
  const job: ImportJob = {
    seq: ctx.store.nextSeq(),
    jobName,
    datasetImportJobArn,
    datasetArn: dataset.datasetArn,
    dataSource: { dataLocation },
    ...(input.roleArn !== undefined ? { roleArn: input.roleArn as string } : {}),
    importMode,
    ...(input.publishAttributionMetricsToS3 !== undefined
      ? { publishAttributionMetricsToS3: input.publishAttributionMetricsToS3 as boolean }
      : {}),
    ...(tags.length ? { tags } : {}),
    status: PENDING,
    creationDateTime: now,
    lastUpdatedDateTime: now,
    history: [{ status: PENDING, at: now }],
  };
  importJobIndex.add(ctx.state, job);
  ctx.scheduled({ kind: 'importJob', resource: job });
  // Like AWS, the job exists durably before the caller learns its ARN.
  await ctx.store.persist();
  return { datasetImportJobArn };
};

export const describeDatasetImportJob: Operation = (ctx, input) => {
  validateInput({ datasetImportJobArn: ARN }, ['datasetImportJobArn'], input);
  const job = ctx.state.importJobs?.[input.datasetImportJobArn as string];
  if (!job) throw notFound(`Resource Arn ${input.datasetImportJobArn as string} does not exist.`);
  return {
    datasetImportJob: {
      jobName: job.jobName,
      datasetImportJobArn: job.datasetImportJobArn,
      datasetArn: job.datasetArn,
      dataSource: job.dataSource,
      roleArn: job.roleArn,
      importMode: job.importMode,
      publishAttributionMetricsToS3: job.publishAttributionMetricsToS3,
      status: job.status,
      creationDateTime: seconds(job.creationDateTime),
      lastUpdatedDateTime: seconds(job.lastUpdatedDateTime),
      failureReason: job.failureReason,
    },
  };
};

export const listDatasetImportJobs: Operation = (ctx, input) => {
  const result = listPage(ctx, 'ListDatasetImportJobs', 'datasetArn', input, (datasetArn) =>
    importJobIndex.of(ctx.state, datasetArn),
  );
  return {
    datasetImportJobs: result.items.map((j) => ({
      datasetImportJobArn: j.datasetImportJobArn,
      jobName: j.jobName,
      status: j.status,
      importMode: j.importMode,
      creationDateTime: seconds(j.creationDateTime),
      lastUpdatedDateTime: seconds(j.lastUpdatedDateTime),
      failureReason: j.failureReason,
    })),
    nextToken: result.nextToken,
  };
};
