/**
 * The schema parts every Personalize job kind shares: the job name, the dataset, the role, tags, region, the
 * immutability rules, and the status that mirrors a job's Describe answer. Each job kind's schema is made of
 * these and its own fields, so that one rule (a tag key, a job name) reads and validates alike in every kind.
 */
import { AWS, anchored } from './aws-constraints.js';
import { OWNER_TAG_COUNT, OWNER_TAG_PREFIX } from './ownership.js';

/** A dataset's ARN: 12-digit account, `dataset/` resource (also what the operator reads the account from). */
export const DATASET_ARN = 'arn:([a-z\\d-]+):personalize:([a-z\\d-]*):(\\d{12}):dataset/(.+)';

/** A pattern inside a single-quoted CEL string. */
export const cel = (pattern: string) => `'${pattern.replaceAll('\\', '\\\\')}'`;

/** A CEL pattern rule with a message that shows the expected form, where OpenAPI's `pattern` shows a regex. */
export const matching = (pattern: string, message: string) => [
  { rule: `self.matches(${cel(anchored(pattern))})`, message },
];

/** How messages name a job kind: `export job` / `DatasetExportJob` / `export`. */
export interface JobWords {
  noun: string;
  kind: string;
  verb: string;
}

export const jobNameProperty = {
  type: 'string',
  description:
    'Name of the job in Amazon Personalize, unique per account and region and never reusable. When omitted, the operator derives one from the namespace, name and UID of this resource and records it in status.jobName.',
  minLength: AWS.name.minLength,
  maxLength: AWS.name.maxLength,
  'x-kubernetes-validations': matching(
    AWS.name.pattern,
    'must be letters, digits, - and _, starting with a letter or digit (AWS job names)',
  ),
} as const;

export const datasetArnProperty = (description: string) =>
  ({
    type: 'string',
    description,
    maxLength: AWS.arn.maxLength,
    // Stricter than AWS's Arn shape, which any Personalize ARN passes: a dataset group's ARN is refused here.
    'x-kubernetes-validations': matching(
      DATASET_ARN,
      'must be a dataset ARN, arn:aws:personalize:<region>:<12-digit account>:dataset/<dataset group>/<TYPE> (a dataset group ARN is not one)',
    ),
  }) as const;

export const roleArnProperty = (description: string) =>
  ({
    type: 'string',
    description,
    maxLength: AWS.roleArn.maxLength,
    'x-kubernetes-validations': matching(
      AWS.roleArn.pattern,
      'must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<role name>',
    ),
  }) as const;

const tagKeyRule = `self.all(k, size(k) >= ${AWS.tagKey.minLength} && size(k) <= ${AWS.tagKey.maxLength} && k.matches(${cel(anchored(AWS.tagText))}) && !k.lowerAscii().startsWith('${AWS.reservedTagPrefix}') && !k.lowerAscii().startsWith('${OWNER_TAG_PREFIX}'))`;

export const tagsProperty = ({ noun }: JobWords) =>
  ({
    type: 'object',
    description: `Tags for the ${noun}, as key: value (at most ${AWS.maxTagsPerResource - OWNER_TAG_COUNT}: AWS allows ${AWS.maxTagsPerResource} and the operator keeps ${OWNER_TAG_COUNT} ${OWNER_TAG_PREFIX}owner-* tags that record the owning resource; keys may not start with ${AWS.reservedTagPrefix} or ${OWNER_TAG_PREFIX}, in any case). The only field that can change: the operator makes the job's tags in AWS exactly these, plus its own (TagResource, UntagResource). Left out, the tags of an adopted job are left alone.`,
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
  }) as const;

export const regionProperty = {
  type: 'string',
  description:
    "AWS region to call. Defaults to the dataset ARN's region, then the operator's --region. Must match the dataset's region.",
  maxLength: 64,
  'x-kubernetes-validations': matching('[a-z]{2}(-[a-z]+)+-\\d+', 'must be an AWS region such as us-east-1'),
} as const;

/** One rule per field, so the error names the field; has() makes adding or removing an optional field a change. */
export const immutabilityRules = (fields: readonly string[], { noun, kind, verb }: JobWords) =>
  fields.map((field) => ({
    rule: `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`,
    message: `spec.${field} is immutable: an ${noun} cannot be changed once created (only spec.tags can); to ${verb} again, create a new ${kind}`,
  }));

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

/**
 * The status of a job kind: its ARN under the name its Describe call gives it (`arnField`), what AWS reports,
 * and the operator's own bookkeeping.
 */
export function jobStatusSchema<const A extends string>(
  arnField: A,
  { noun, operations }: { noun: string; operations: { create: string; describe: string } },
) {
  const arn = {
    [arnField]: { type: 'string', description: `ARN of the ${noun}, written as soon as it exists.` },
  };
  return {
    type: 'object',
    description: `What Amazon Personalize reports for the job (${operations.describe}), and how the operator is doing.`,
    properties: {
      ...(arn as Record<A, { readonly type: 'string'; readonly description: string }>),
      ...jobStatusProperties(noun, operations.create),
    },
  } as const;
}

const jobStatusProperties = (noun: string, create: string) =>
  ({
    jobName: { type: 'string', description: `Name of the ${noun} in Amazon Personalize.` },
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
      description: `Written before the operator calls ${create}: the job it is about to create, and when. After a crash or a lost answer, a job under this name is known as this resource's own by this record, never by the tags in AWS (anyone allowed to tag can forge them); its settings are still compared with the spec.`,
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
  }) as const;

/** What every object of the API carries besides its spec and status. */
export const objectProperties = {
  apiVersion: { type: 'string', description: 'APIVersion of this object.' },
  kind: { type: 'string', description: 'Kind of this object.' },
  metadata: { type: 'object' },
} as const;
