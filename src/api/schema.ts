/**
 * The DatasetExportJob kind's schema and names.
 */
import { AWS, anchored, S3_EXPORT_PATH } from './aws-constraints.js';
import { GROUP } from './group.js';
import { OWNER_TAG_COUNT, OWNER_TAG_PREFIX } from './ownership.js';

/**
 * The DatasetExportJob API, defined once. The CRD's OpenAPI schema is this object; the TypeScript types in
 * types.ts are inferred from it; docs and the Helm chart's CRD are generated from the CRD. Keep to the subset
 * of OpenAPI that `Infer` in types.ts understands.
 */
export { GROUP };
export const VERSION = 'v1alpha1';
export const KIND = 'DatasetExportJob';
export const PLURAL = 'datasetexportjobs';
export const SINGULAR = 'datasetexportjob';
export const SHORT_NAMES = ['dsej'] as const;
export const CATEGORIES = ['personalize', 'aws'] as const;

/** A dataset's ARN: 12-digit account, `dataset/` resource (also what the operator reads the account from). */
export const DATASET_ARN = 'arn:([a-z\\d-]+):personalize:([a-z\\d-]*):(\\d{12}):dataset/(.+)';

/** Every spec field but tags: what CreateDatasetExportJob fixed for good. */
export const IMMUTABLE_SPEC_FIELDS = [
  'jobName',
  'datasetArn',
  'ingestionMode',
  'roleArn',
  'jobOutput',
  'region',
] as const;

/** A pattern inside a single-quoted CEL string. */
const cel = (pattern: string) => `'${pattern.replaceAll('\\', '\\\\')}'`;

/** A CEL pattern rule with a message that shows the expected form, where OpenAPI's `pattern` shows a regex. */
const matching = (pattern: string, message: string) => [
  { rule: `self.matches(${cel(anchored(pattern))})`, message },
];

const tagKeyRule = `self.all(k, size(k) >= ${AWS.tagKey.minLength} && size(k) <= ${AWS.tagKey.maxLength} && k.matches(${cel(anchored(AWS.tagText))}) && !k.lowerAscii().startsWith('${AWS.reservedTagPrefix}') && !k.lowerAscii().startsWith('${OWNER_TAG_PREFIX}'))`;

export const specSchema = {
  type: 'object',
  description:
    'The export to run: the members of CreateDatasetExportJob. Every field but tags is immutable once created; to export again, create a new DatasetExportJob.',
  required: ['datasetArn', 'roleArn', 'jobOutput'],
  properties: {
    jobName: {
      type: 'string',
      description:
        'Name of the job in Amazon Personalize, unique per account and region and never reusable. When omitted, the operator derives one from the namespace, name and UID of this resource and records it in status.jobName.',
      minLength: AWS.name.minLength,
      maxLength: AWS.name.maxLength,
      'x-kubernetes-validations': matching(
        AWS.name.pattern,
        'must be letters, digits, - and _, starting with a letter or digit (AWS job names)',
      ),
    },
    datasetArn: {
      type: 'string',
      description: 'ARN of the dataset to export. Its account and region are where the job is created.',
      maxLength: AWS.arn.maxLength,
      // Stricter than AWS's Arn shape, which any Personalize ARN passes: a dataset group's ARN is refused here.
      'x-kubernetes-validations': matching(
        DATASET_ARN,
        'must be a dataset ARN, arn:aws:personalize:<region>:<12-digit account>:dataset/<dataset group>/<TYPE> (a dataset group ARN is not one)',
      ),
    },
    ingestionMode: {
      type: 'string',
      description:
        'Which records to export: BULK (imported by dataset import jobs), PUT (added one at a time) or ALL. Defaults to PUT, as in AWS.',
      enum: AWS.ingestionModes,
      default: AWS.defaultIngestionMode,
    },
    roleArn: {
      type: 'string',
      description:
        'IAM service role that Amazon Personalize assumes to write to the S3 bucket (s3:PutObject, s3:ListBucket).',
      maxLength: AWS.roleArn.maxLength,
      'x-kubernetes-validations': matching(
        AWS.roleArn.pattern,
        'must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<role name>',
      ),
    },
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
                  S3_EXPORT_PATH.pattern,
                  'must be s3://<bucket>/<prefix>, the bucket named by S3 rules: 3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit',
                ),
                {
                  rule: `!self.matches(${cel(S3_EXPORT_PATH.dotSegment)})`,
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
    tags: {
      type: 'object',
      description: `Tags for the export job, as key: value (at most ${AWS.maxTagsPerResource - OWNER_TAG_COUNT}: AWS allows ${AWS.maxTagsPerResource} and the operator keeps ${OWNER_TAG_COUNT} ${OWNER_TAG_PREFIX}owner-* tags that record the owning resource; keys may not start with ${AWS.reservedTagPrefix} or ${OWNER_TAG_PREFIX}, in any case). The only field that can change: the operator makes the job's tags in AWS exactly these, plus its own (TagResource, UntagResource). Left out, the tags of an adopted job are left alone.`,
      maxProperties: AWS.maxTagsPerResource - OWNER_TAG_COUNT,
      additionalProperties: {
        type: 'string',
        maxLength: AWS.tagValue.maxLength,
        'x-kubernetes-validations': matching(
          AWS.tagText,
          'tag values may hold letters, digits, spaces and _.:/=+-@ only',
        ),
      },
      'x-kubernetes-validations': [
        {
          rule: tagKeyRule,
          message: `tag keys must be ${AWS.tagKey.minLength}-${AWS.tagKey.maxLength} characters of letters, digits, spaces and _.:/=+-@, and may not start with ${AWS.reservedTagPrefix} or ${OWNER_TAG_PREFIX} (in any case)`,
        },
      ],
    },
    region: {
      type: 'string',
      description:
        "AWS region to call. Defaults to the dataset ARN's region, then the operator's --region. Must match the dataset's region.",
      maxLength: 64,
      'x-kubernetes-validations': matching(
        '[a-z]{2}(-[a-z]+)+-\\d+',
        'must be an AWS region such as us-east-1',
      ),
    },
  },
  // One rule per field, so the error names the field; has() makes adding or removing an optional field a change.
  'x-kubernetes-validations': IMMUTABLE_SPEC_FIELDS.map((field) => ({
    rule: `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`,
    message: `spec.${field} is immutable: an export job cannot be changed once created (only spec.tags can); to export again, create a new DatasetExportJob`,
  })),
} as const;

export const conditionSchema = {
  type: 'object',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: { type: 'string', description: 'Ready, Complete, Failed or Synced.', maxLength: 316 },
    status: { type: 'string', description: 'True, False or Unknown.', enum: ['True', 'False', 'Unknown'] },
    observedGeneration: {
      type: 'integer',
      format: 'int64',
      description: 'The spec generation the condition was set for.',
    },
    lastTransitionTime: { type: 'string', format: 'date-time', description: 'When status last changed.' },
    reason: { type: 'string', description: 'A CamelCase reason for the last transition.', maxLength: 1024 },
    message: { type: 'string', description: 'A human-readable explanation.', maxLength: 32768 },
  },
} as const;

export const statusSchema = {
  type: 'object',
  description:
    'What Amazon Personalize reports for the job (DescribeDatasetExportJob), and how the operator is doing.',
  properties: {
    datasetExportJobArn: {
      type: 'string',
      description: 'ARN of the export job, written as soon as it exists.',
    },
    jobName: { type: 'string', description: 'Name of the export job in Amazon Personalize.' },
    region: { type: 'string', description: 'Region the job lives in.' },
    status: {
      type: 'string',
      description: "AWS's status verbatim: CREATE PENDING, CREATE IN_PROGRESS, ACTIVE or CREATE FAILED.",
    },
    failureReason: { type: 'string', description: "AWS's reason when the job ended CREATE FAILED." },
    creationDateTime: { type: 'string', format: 'date-time', description: 'When AWS created the job.' },
    lastUpdatedDateTime: {
      type: 'string',
      format: 'date-time',
      description: 'When AWS last changed the job status.',
    },
    observedGeneration: {
      type: 'integer',
      format: 'int64',
      description: 'The metadata.generation this status was computed for.',
    },
    tags: {
      type: 'object',
      description:
        "The job's tags in AWS as the operator last set or read them; it applies spec.tags when they differ.",
      additionalProperties: { type: 'string' },
    },
    createRequested: {
      type: 'object',
      description:
        "Written before the operator calls CreateDatasetExportJob: the job it is about to create, and when. After a crash or a lost answer, a job under this name is known as this resource's own by this record, never by the tags in AWS (anyone allowed to tag can forge them); its settings are still compared with the spec.",
      required: ['jobName', 'at'],
      properties: {
        jobName: { type: 'string', description: 'The job name the Create was about to use.' },
        at: { type: 'string', format: 'date-time', description: 'When the record was written.' },
      },
    },
    lastHandledReconcileAt: {
      type: 'string',
      description:
        'The value of the personalize.ops.dev/reconcile-requested-at annotation when the operator last re-read the job from AWS for it.',
    },
    conditions: {
      type: 'array',
      description:
        'Ready (True only when ACTIVE), Complete (the job finished: ACTIVE), Failed (CREATE FAILED, with the reason), Synced (False while AWS calls fail, or paused), and for kstatus (Flux): Reconciling (on its way, or retrying an error that clears by itself) and Stalled (failed, or a person must act).',
      items: conditionSchema,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    },
  },
} as const;

/** What every object of the API carries besides its spec and status. */
export const objectProperties = {
  apiVersion: { type: 'string', description: 'APIVersion of this object.' },
  kind: { type: 'string', description: 'Kind of this object.' },
  metadata: { type: 'object' },
} as const;

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
