import {
  InvalidInputException,
  LimitExceededException,
  PersonalizeServiceException,
} from '@aws-sdk/client-personalize';
import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../src/aws/errors.js';

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
