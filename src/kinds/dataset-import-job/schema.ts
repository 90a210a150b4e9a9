/**
 * The DatasetImportJob API, defined once: its names and its OpenAPI schema, made of the job kinds' shared parts
 * and its own fields. The CRD is this object; the TypeScript types (types.ts) are inferred from it.
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

export const IMPORT_KIND = 'DatasetImportJob';
export const IMPORT_PLURAL = 'datasetimportjobs';
export const IMPORT_SINGULAR = 'datasetimportjob';
export const IMPORT_SHORT_NAMES = ['dsij'] as const;

const WORDS: JobWords = { noun: 'import job', kind: IMPORT_KIND, verb: 'import' };

/** Every spec field but tags: what CreateDatasetImportJob fixed for good. */
export const IMPORT_IMMUTABLE_FIELDS = [
  'jobName',
  'datasetArn',
  'dataSource',
  'roleArn',
  'importMode',
  'publishAttributionMetricsToS3',
  'region',
] as const;

export const importSpecSchema = {
  type: 'object',
  description:
    'The import to run: the members of CreateDatasetImportJob. Every field but tags is immutable once created; to import again (a nightly INCREMENTAL load, say), create a new DatasetImportJob.',
  required: ['datasetArn', 'dataSource'],
  properties: {
    jobName: jobNameProperty,
    datasetArn: datasetArnProperty(
      'ARN of the dataset to import into. Its account and region are where the job is created.',
    ),
    dataSource: {
      type: 'object',
      description: 'Where the CSV data comes from.',
      required: ['dataLocation'],
      properties: {
        dataLocation: {
          type: 'string',
          description:
            'S3 path of the data: a CSV file (s3://bucket/folder/file.csv), or a folder whose CSV files are all imported (s3://bucket/folder/, with the trailing slash). The header row names the dataset schema’s fields.',
          maxLength: AWS.s3Location.maxLength,
          'x-kubernetes-validations': [
            ...matching(AWS.s3Location.pattern, 'must be an S3 path such as s3://bucket/folder/file.csv'),
            ...matching(
              S3_PATH.pattern,
              'must be s3://<bucket>/<key>, the bucket named by S3 rules: 3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit',
            ),
            {
              rule: `!self.matches(${cel(S3_PATH.dotSegment)})`,
              message: 'must not hold a . or .. segment',
            },
          ],
        },
      },
    },
    roleArn: roleArnProperty(
      'IAM service role that Amazon Personalize assumes to read the S3 bucket (s3:GetObject, s3:ListBucket). AWS accepts none when the bucket policy itself grants Amazon Personalize access.',
    ),
    importMode: {
      type: 'string',
      description:
        'FULL replaces every bulk record of the dataset (records added one at a time are kept); INCREMENTAL adds the records, replacing those with an ID already there. Defaults to FULL, as in AWS; INCREMENTAL needs a dataset that a FULL import has loaded before.',
      enum: AWS.importModes,
      default: AWS.defaultImportMode,
    },
    publishAttributionMetricsToS3: {
      type: 'boolean',
      description:
        'Publish the metrics of the dataset group’s metric attribution for this data to S3 (only meaningful when the dataset group has one).',
    },
    tags: tagsProperty(WORDS),
    region: regionProperty,
  },
  'x-kubernetes-validations': immutabilityRules(IMPORT_IMMUTABLE_FIELDS, WORDS),
} as const;

export const importStatusSchema = jobStatusSchema('datasetImportJobArn', {
  noun: 'import job',
  operations: { create: 'CreateDatasetImportJob', describe: 'DescribeDatasetImportJob' },
});

export const importResourceSchema = {
  type: 'object',
  description:
    'An Amazon Personalize dataset import job: the operator creates it once (CreateDatasetImportJob) and mirrors its status until it is ACTIVE or CREATE FAILED.',
  required: ['spec'],
  properties: { ...objectProperties, spec: importSpecSchema, status: importStatusSchema },
} as const;
