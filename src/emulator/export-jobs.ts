/**
 * CreateDatasetExportJob, DescribeDatasetExportJob and ListDatasetExportJobs, with AWS's validation and errors.
 */
import { AWS } from '../api/aws-constraints.js';
import { arn, type Operation, seconds } from './context.js';
import { datasetTypeOf, findDataset } from './datasets.js';
import { alreadyExists, inUse, invalidInput, limitExceeded, notFound } from './errors.js';
import { unusableExportPath } from './export-writer.js';
import { exportJobIndex } from './job-index.js';
import { listPage } from './list.js';
import { ACTIVE, type ExportJob, isTerminal, PENDING } from './model.js';
import {
  ARN,
  INGESTION_MODE,
  NAME,
  ROLE_ARN,
  S3_DATA_CONFIG,
  type Shape,
  TAGS,
  validateInput,
} from './shapes.js';
import { checkTags } from './tags.js';

const JOB_OUTPUT: Shape = {
  kind: 'structure',
  required: ['s3DataDestination'],
  members: { s3DataDestination: S3_DATA_CONFIG },
};

export const createDatasetExportJob: Operation = async (ctx, input) => {
  validateInput(
    {
      jobName: NAME,
      datasetArn: ARN,
      ingestionMode: INGESTION_MODE,
      roleArn: ROLE_ARN,
      jobOutput: JOB_OUTPUT,
      tags: TAGS,
    },
    ['jobName', 'datasetArn', 'roleArn', 'jobOutput'],
    input,
  );
  const tags = checkTags(input.tags);
  const path = (input.jobOutput as ExportJob['jobOutput']).s3DataDestination.path;
  const unusable = unusableExportPath(path);
  if (unusable) throw invalidInput(`jobOutput.s3DataDestination.path: ${path} ${unusable}`);

  const jobName = input.jobName as string;
  const datasetExportJobArn = arn(ctx, `dataset-export-job/${jobName}`);
  if (ctx.state.exportJobs[datasetExportJobArn]) {
    throw alreadyExists(`Dataset export job ${datasetExportJobArn} already exists.`);
  }
  const dataset = findDataset(ctx, input.datasetArn as string);
  if (!datasetTypeOf(dataset)?.exportable) {
    throw invalidInput(`datasetArn: ${dataset.datasetType} datasets cannot be exported`);
  }
  if (dataset.status !== ACTIVE) {
    throw inUse(`Dataset ${dataset.datasetArn} is not ACTIVE (status ${dataset.status}).`);
  }
  const cap = ctx.faults.current.maxInFlightExportJobs;
  if (cap !== undefined) {
    const inFlight = Object.values(ctx.state.exportJobs).filter((j) => !isTerminal(j.status)).length;
    if (inFlight >= cap) {
      throw limitExceeded(`The limit of ${cap} pending or in-progress dataset export jobs has been reached.`);
    }
  }
  const now = ctx.now();
  const s3 = (input.jobOutput as ExportJob['jobOutput']).s3DataDestination;
  const job: ExportJob = {
    seq: ctx.store.nextSeq(),
    jobName,
    datasetExportJobArn,
    datasetArn: dataset.datasetArn,
    ingestionMode: (input.ingestionMode as string | undefined) ?? AWS.defaultIngestionMode,
    roleArn: input.roleArn as string,
    jobOutput: { s3DataDestination: { path: s3.path, ...(s3.kmsKeyArn ? { kmsKeyArn: s3.kmsKeyArn } : {}) } },
    ...(tags.length ? { tags } : {}),
    status: PENDING,
    creationDateTime: now,
    lastUpdatedDateTime: now,
    history: [{ status: PENDING, at: now }],
  };
  exportJobIndex.add(ctx.state, job);
  ctx.scheduled({ kind: 'exportJob', resource: job });
  // Like AWS, the job exists durably before the caller learns its ARN.
  await ctx.store.persist();
  return { datasetExportJobArn };
};

export const describeDatasetExportJob: Operation = (ctx, input) => {
  validateInput({ datasetExportJobArn: ARN }, ['datasetExportJobArn'], input);
  const job = ctx.state.exportJobs[input.datasetExportJobArn as string];
  if (!job) throw notFound(`Resource Arn ${input.datasetExportJobArn as string} does not exist.`);
  return {
    datasetExportJob: {
      jobName: job.jobName,
      datasetExportJobArn: job.datasetExportJobArn,
      datasetArn: job.datasetArn,
      ingestionMode: job.ingestionMode,
      roleArn: job.roleArn,
      status: job.status,
      jobOutput: job.jobOutput,
      creationDateTime: seconds(job.creationDateTime),
      lastUpdatedDateTime: seconds(job.lastUpdatedDateTime),
      failureReason: job.failureReason,
    },
  };
};

export const listDatasetExportJobs: Operation = (ctx, input) => {
  const result = listPage(ctx, 'ListDatasetExportJobs', 'datasetArn', input, (datasetArn) =>
    exportJobIndex.of(ctx.state, datasetArn),
  );
  return {
    datasetExportJobs: result.items.map((j) => ({
      datasetExportJobArn: j.datasetExportJobArn,
      jobName: j.jobName,
      status: j.status,
      creationDateTime: seconds(j.creationDateTime),
      lastUpdatedDateTime: seconds(j.lastUpdatedDateTime),
      failureReason: j.failureReason,
    })),
    nextToken: result.nextToken,
  };
};
