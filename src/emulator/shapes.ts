/**
 * The input shapes of the Personalize API and their validation, as the service enforces them.
 */
import { AWS, anchored } from '../api/aws-constraints.js';
import { invalidInput } from './errors.js';

/**
 * Input constraints of the Personalize API model (botocore service-2.json, 2018-05-22), declared once and
 * enforced on every request the way the service does: the SDK validates nothing on the client side.
 */
export type Shape =
  | { kind: 'string'; min?: number; max?: number; pattern?: RegExp; sensitive?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'structure'; members: Record<string, Shape>; required?: readonly string[] }
  | { kind: 'list'; member: Shape; max?: number };

// Smithy patterns are searches; like the service we treat them as anchored at both ends.
const re = (pattern: string, flags = '') => new RegExp(anchored(pattern), flags);

export const NAME: Shape = {
  kind: 'string',
  min: AWS.name.minLength,
  max: AWS.name.maxLength,
  pattern: re(AWS.name.pattern),
};
export const ARN: Shape = { kind: 'string', max: AWS.arn.maxLength, pattern: re(AWS.arn.pattern) };
export const ROLE_ARN: Shape = {
  kind: 'string',
  max: AWS.roleArn.maxLength,
  pattern: re(AWS.roleArn.pattern),
};
export const KMS_KEY_ARN: Shape = {
  kind: 'string',
  max: AWS.kmsKeyArn.maxLength,
  pattern: re(AWS.kmsKeyArn.pattern),
};
export const S3_LOCATION: Shape = {
  kind: 'string',
  max: AWS.s3Location.maxLength,
  pattern: re(AWS.s3Location.pattern),
};
export const NEXT_TOKEN: Shape = { kind: 'string', max: 1500, pattern: re('\\p{ASCII}{0,1500}', 'u') };
export const MAX_RESULTS: Shape = { kind: 'integer', min: 1, max: 100 };
export const INGESTION_MODE: Shape = { kind: 'enum', values: AWS.ingestionModes };
const TAG_TEXT = re(AWS.tagText, 'u');
export const TAG_KEY: Shape = {
  kind: 'string',
  min: AWS.tagKey.minLength,
  max: AWS.tagKey.maxLength,
  pattern: TAG_TEXT,
  sensitive: true,
};
export const TAGS: Shape = {
  kind: 'list',
  max: 200,
  member: {
    kind: 'structure',
    required: ['tagKey', 'tagValue'],
    members: {
      tagKey: TAG_KEY,
      tagValue: {
        kind: 'string',
        min: AWS.tagValue.minLength,
        max: AWS.tagValue.maxLength,
        pattern: TAG_TEXT,
        sensitive: true,
      },
    },
  },
};

export const S3_DATA_CONFIG: Shape = {
  kind: 'structure',
  required: ['path'],
  members: { path: S3_LOCATION, kmsKeyArn: KMS_KEY_ARN },
};

function describe(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}

/**
 * Checks `value` against `shape`; the error names the member by its path (`jobOutput.s3DataDestination.path`)
 * and the rule it broke. Values of members marked sensitive are never echoed back.
 */
export function validate(shape: Shape, value: unknown, path: string): void {
  const show = (v: unknown) => ('sensitive' in shape && shape.sensitive ? '(sensitive)' : describe(v));
  switch (shape.kind) {
    case 'string': {
      if (typeof value !== 'string') throw invalidInput(`${path}: expected a string, got ${describe(value)}`);
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min) {
        throw invalidInput(`${path}: length ${length} is below the minimum of ${shape.min}`);
      }
      if (shape.max !== undefined && length > shape.max) {
        throw invalidInput(`${path}: length ${length} exceeds the maximum of ${shape.max}`);
      }
      if (shape.pattern && !shape.pattern.test(value)) {
        throw invalidInput(
          `${path}: value ${show(value)} does not match the pattern ${shape.pattern.source}`,
        );
      }
      return;
    }
    case 'enum':
      if (typeof value !== 'string' || !shape.values.includes(value)) {
        throw invalidInput(`${path}: value ${describe(value)} is not one of ${shape.values.join(', ')}`);
      }
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw invalidInput(`${path}: expected an integer, got ${describe(value)}`);
      }
      if (shape.min !== undefined && value < shape.min) {
        throw invalidInput(`${path}: value ${value} is below the minimum of ${shape.min}`);
      }
      if (shape.max !== undefined && value > shape.max) {
        throw invalidInput(`${path}: value ${value} exceeds the maximum of ${shape.max}`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        throw invalidInput(`${path}: expected a boolean, got ${describe(value)}`);
      return;
    case 'list':
      if (!Array.isArray(value)) throw invalidInput(`${path}: expected a list, got ${describe(value)}`);
      if (shape.max !== undefined && value.length > shape.max) {
        throw invalidInput(`${path}: ${value.length} entries exceed the maximum of ${shape.max}`);
      }
      value.forEach((item, i) => {
        validate(shape.member, item, `${path}[${i}]`);
      });
      return;
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw invalidInput(`${path}: expected an object, got ${describe(value)}`);
      }
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (record[name] === undefined || record[name] === null) {
          throw invalidInput(`${path ? `${path}.` : ''}${name}: a value is required`);
        }
      }
      for (const [name, member] of Object.entries(shape.members)) {
        if (record[name] !== undefined && record[name] !== null) {
          validate(member, record[name], path ? `${path}.${name}` : name);
        }
      }
      return;
    }
  }
}

/** Validates a whole request body; unknown members are ignored, as the service does. */
export function validateInput(
  members: Record<string, Shape>,
  required: readonly string[],
  body: unknown,
): void {
  validate({ kind: 'structure', members, required }, body, '');
}
