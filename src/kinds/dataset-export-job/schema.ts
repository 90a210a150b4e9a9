/**
 * The DatasetExportJob kind's schema and names.
 */
import { AWS, S3_PATH } from '../../api/aws-constraints.js';
import {
  cel,
  datasetArnProperty,
  immutabilityRules,
  type JobWords,
  jobNameProperty,
  jobStatusSchema,
  matching,
  objectProperties,
  regionProperty,
  roleArnProperty,
  tagsProperty,
} from '../../api/job-schema.js';

export { conditionSchema, objectProperties } from '../../api/job-schema.js';

/**
 * The DatasetExportJob API, defined once. The CRD's OpenAPI schema is this object; the TypeScript types in
 * types.ts are inferred from it; docs and the Helm chart's CRD are generated from the CRD. Keep to the subset
 * of OpenAPI that `Infer` in types.ts understands.
 */
export const KIND = 'DatasetExportJob';
export const PLURAL = 'datasetexportjobs';
export const SINGULAR = 'datasetexportjob';
export const SHORT_NAMES = ['dsej'] as const;

export { DATASET_ARN } from '../../api/job-schema.js';

/** Every spec field but tags: what CreateDatasetExportJob fixed for good. */
export const IMMUTABLE_SPEC_FIELDS = [
  'jobName',
  'datasetArn',
  'ingestionMode',
  'roleArn',
  'jobOutput',
  'region',
] as const;

/** How the export job's messages name it. */
const WORDS: JobWords = { noun: 'export job', kind: KIND, verb: 'export' };

export const specSchema = {
  type: 'object',
  description:
    'The export to run: the members of CreateDatasetExportJob. Every field but tags is immutable once created; to export again, create a new DatasetExportJob.',
  required: ['datasetArn', 'roleArn', 'jobOutput'],
  properties: {
    jobName: jobNameProperty,
    datasetArn: datasetArnProperty(
      'ARN of the dataset to export. Its account and region are where the job is created.',
    ),
    ingestionMode: {
      type: 'string',
      description:
        'Which records to export: BULK (imported by dataset import jobs), PUT (added one at a time) or ALL. Defaults to PUT, as in AWS.',
      enum: AWS.ingestionModes,
      default: AWS.defaultIngestionMode,
    },
    roleArn: roleArnProperty(
      'IAM service role that Amazon Personalize assumes to write to the S3 bucket (s3:PutObject, s3:ListBucket).',
    ),
    jobOutput: {
      type: 'object',
      description: 'Where the exported CSV files go.',
      required: ['s3DataDestination'],
      properties: {
        s3DataDestination: {
          type: 'object',
          description: 'The S3 destination of the export.',
          required: ['path'],
          properties: {
            path: {
              type: 'string',
              description: 'S3 path the CSV files are written under, for example s3://bucket/folder/.',
              maxLength: AWS.s3Location.maxLength,
              'x-kubernetes-validations': [
                ...matching(AWS.s3Location.pattern, 'must be an S3 path such as s3://bucket/folder/'),
                ...matching(
                  S3_PATH.pattern,
                  'must be s3://<bucket>/<prefix>, the bucket named by S3 rules: 3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit',
                ),
                {
                  rule: `!self.matches(${cel(S3_PATH.dotSegment)})`,
                  message: 'must not hold a . or .. segment (the prefix would leave itself)',
                },
              ],
            },
            kmsKeyArn: {
              type: 'string',
              description: 'ARN of the KMS key that encrypts the exported files.',
              maxLength: AWS.kmsKeyArn.maxLength,
              'x-kubernetes-validations': matching(
                AWS.kmsKeyArn.pattern,
                'must be a KMS key ARN, arn:aws:kms:<region>:<12-digit account>:key/<key id>',
              ),
            },
          },
        },
      },
    },
    tags: tagsProperty(WORDS),
    region: regionProperty,
  },
  // One rule per field, so the error names the field; has() makes adding or removing an optional field a change.
  'x-kubernetes-validations': immutabilityRules(IMMUTABLE_SPEC_FIELDS, WORDS),
} as const;

export const statusSchema = jobStatusSchema('datasetExportJobArn', {
  noun: 'export job',
  operations: { create: 'CreateDatasetExportJob', describe: 'DescribeDatasetExportJob' },
});

export const resourceSchema = {
  type: 'object',
  description:
    'An Amazon Personalize dataset export job: the operator creates it once (CreateDatasetExportJob) and mirrors its status until it is ACTIVE or CREATE FAILED.',
  required: ['spec'],
  properties: {
    ...objectProperties,
    spec: specSchema,
    status: statusSchema,
  },
} as const;
