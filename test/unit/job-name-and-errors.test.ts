import {
  InvalidInputException,
  LimitExceededException,
  PersonalizeServiceException,
} from '@aws-sdk/client-personalize';
import { describe, expect, it } from 'vitest';
import { AWS, anchored } from '../../src/api/aws-constraints.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { derivedJobName } from '../../src/reconciler/identity.js';

const namePattern = new RegExp(anchored(AWS.name.pattern));

describe('derivedJobName', () => {
  it('is deterministic, fits AWS rules and differs per UID', () => {
    const a = derivedJobName('ml-team', 'weekly.export', 'uid-a');
    expect(a).toBe(derivedJobName('ml-team', 'weekly.export', 'uid-a'));
    expect(a).toMatch(/^ml-team-weekly-export-[0-9a-f]{10}$/);
    expect(derivedJobName('ml-team', 'weekly.export', 'uid-b')).not.toBe(a);
  });
  it('stays within 63 characters and the pattern for long names', () => {
    const long = derivedJobName('n'.repeat(63), 'x'.repeat(253), 'uid');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(namePattern);
  });
});

describe('classifyAwsError', () => {
  const meta = (httpStatusCode?: number) => ({ $metadata: { httpStatusCode, requestId: 'r1' } });
  it('treats throttling, 5xx and network failures as transient', () => {
    expect(
      classifyAwsError(new LimitExceededException({ message: 'slow down', ...meta(400) })),
    ).toMatchObject({
      class: 'transient',
      reason: 'Throttled',
      requestId: 'r1',
    });
    const fiveHundred = new PersonalizeServiceException({
      name: 'InternalFailure',
      $fault: 'server',
      ...meta(500),
    });
    expect(classifyAwsError(fiveHundred)).toMatchObject({ class: 'transient', reason: 'AWSUnavailable' });
    expect(
      classifyAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({
      class: 'transient',
      reason: 'AWSUnavailable',
    });
  });
  it('treats input, permission and dataset problems as actionable', () => {
    expect(classifyAwsError(new InvalidInputException({ message: 'bad', ...meta(400) }))).toMatchObject({
      class: 'actionable',
      reason: 'InvalidInput',
    });
    expect(
      classifyAwsError(Object.assign(new Error('denied'), { name: 'AccessDeniedException', ...meta(400) })),
    ).toMatchObject({
      class: 'actionable',
      reason: 'AccessDenied',
    });
    expect(
      classifyAwsError(Object.assign(new Error('?'), { name: 'SomethingNew', ...meta(403) })),
    ).toMatchObject({
      class: 'actionable',
      reason: 'AWSRequestRejected',
    });
  });
});
