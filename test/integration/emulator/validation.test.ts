import {
  CreateDatasetExportJobCommand,
  type CreateDatasetExportJobCommandInput,
  DescribeDatasetExportJobCommand,
  type DescribeDatasetExportJobCommandInput,
  InvalidInputException,
  InvalidNextTokenException,
  ListDatasetExportJobsCommand,
  TooManyTagsException,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset, ROLE, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

const valid: CreateDatasetExportJobCommandInput = {
  jobName: 'valid-job',
  datasetArn: demoDataset('INTERACTIONS'),
  roleArn: ROLE,
  jobOutput: { s3DataDestination: { path: 's3://bucket/out/' } },
};

type Case = [string, Record<string, unknown>, RegExp];

const createCases: Case[] = [
  ['missing jobName', { jobName: undefined }, /^jobName: a value is required$/],
  ['empty jobName', { jobName: '' }, /^jobName: length 0 is below the minimum of 1$/],
  ['jobName too long', { jobName: 'a'.repeat(64) }, /^jobName: length 64 exceeds the maximum of 63$/],
  [
    'jobName with a bad character',
    { jobName: 'bad name' },
    /^jobName: value "bad name" does not match the pattern/,
  ],
  ['jobName starting with a dash', { jobName: '-x' }, /^jobName: .*does not match the pattern/],
  ['missing datasetArn', { datasetArn: undefined }, /^datasetArn: a value is required$/],
  ['datasetArn not an ARN', { datasetArn: 'dataset/demo' }, /^datasetArn: .*does not match the pattern/],
  [
    'datasetArn too long',
    { datasetArn: `arn:aws:personalize:x:y:${'z'.repeat(250)}` },
    /^datasetArn: length \d+ exceeds the maximum of 256$/,
  ],
  ['missing roleArn', { roleArn: undefined }, /^roleArn: a value is required$/],
  [
    'roleArn of a user',
    { roleArn: 'arn:aws:iam::123456789012:user/bob' },
    /^roleArn: .*does not match the pattern/,
  ],
  [
    'roleArn with a short account',
    { roleArn: 'arn:aws:iam::1234:role/x' },
    /^roleArn: .*does not match the pattern/,
  ],
  [
    'wrong ingestionMode',
    { ingestionMode: 'SOME' },
    /^ingestionMode: value "SOME" is not one of BULK, PUT, ALL$/,
  ],
  ['missing jobOutput', { jobOutput: undefined }, /^jobOutput: a value is required$/],
  ['missing s3DataDestination', { jobOutput: {} }, /^jobOutput\.s3DataDestination: a value is required$/],
  [
    'missing path',
    { jobOutput: { s3DataDestination: {} } },
    /^jobOutput\.s3DataDestination\.path: a value is required$/,
  ],
  [
    'path not a URL',
    { jobOutput: { s3DataDestination: { path: 'bucket/out' } } },
    /^jobOutput\.s3DataDestination\.path: .*pattern/,
  ],
  [
    'a path whose prefix climbs out of itself',
    { jobOutput: { s3DataDestination: { path: 's3://bucket/exports/../../escape/' } } },
    /^jobOutput\.s3DataDestination\.path: s3:\/\/bucket\/exports\/\.\.\/\.\.\/escape\/ holds a \. or \.\. segment$/,
  ],
  [
    'a path that names no bucket',
    { jobOutput: { s3DataDestination: { path: 's3:///exports/' } } },
    /^jobOutput\.s3DataDestination\.path: s3:\/\/\/exports\/ names no bucket$/,
  ],
  [
    'bad kmsKeyArn',
    { jobOutput: { s3DataDestination: { path: 's3://b/', kmsKeyArn: 'arn:aws:kms:us-east-1:1:key/x' } } },
    /^jobOutput\.s3DataDestination\.kmsKeyArn: .*pattern/,
  ],
  ['tag without value', { tags: [{ tagKey: 'team' }] }, /^tags\[0\]\.tagValue: a value is required$/],
  [
    'tag key too long',
    { tags: [{ tagKey: 'k'.repeat(129), tagValue: 'v' }] },
    /^tags\[0\]\.tagKey: length 129 exceeds/,
  ],
  [
    'tag with a bad character',
    { tags: [{ tagKey: 'team', tagValue: 'a*b' }] },
    /^tags\[0\]\.tagValue: value \(sensitive\)/,
  ],
  [
    'reserved tag prefix',
    { tags: [{ tagKey: 'aws:owner', tagValue: 'x' }] },
    /^tags: the tag key aws:owner uses the reserved prefix aws:$/,
  ],
  ['wrong type', { jobName: 42 }, /^jobName: expected a string, got 42$/],
];

describe('emulator input validation', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(() => t.close());

  it.each(createCases)('CreateDatasetExportJob rejects %s', async (_name, change, message) => {
    const input = { ...valid, ...change } as CreateDatasetExportJobCommandInput;
    const err = await t.client.send(new CreateDatasetExportJobCommand(input)).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputException);
    expect(err.message).toMatch(message);
  });

  it('rejects more than 50 tags with TooManyTagsException', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }));
    const err = await t.client.send(new CreateDatasetExportJobCommand({ ...valid, tags })).catch((e) => e);
    expect(err).toBeInstanceOf(TooManyTagsException);
    expect(err.message).toMatch(/^tags: 51 tags exceed the limit of 50/);
  });

  it('rejects more than 200 tags in one call as invalid input', async () => {
    const tags = Array.from({ length: 201 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }));
    const err = await t.client.send(new CreateDatasetExportJobCommand({ ...valid, tags })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputException);
    expect(err.message).toBe('tags: 201 entries exceed the maximum of 200');
  });

  it.each([
    ['missing ARN', {}, /^datasetExportJobArn: a value is required$/],
    ['malformed ARN', { datasetExportJobArn: 'job' }, /^datasetExportJobArn: .*pattern/],
  ] as Case[])('DescribeDatasetExportJob rejects %s', async (_name, input, message) => {
    const err = await t.client
      .send(new DescribeDatasetExportJobCommand(input as unknown as DescribeDatasetExportJobCommandInput))
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputException);
    expect(err.message).toMatch(message);
  });

  it.each([
    ['maxResults 0', { maxResults: 0 }, /^maxResults: value 0 is below the minimum of 1$/],
    ['maxResults 101', { maxResults: 101 }, /^maxResults: value 101 exceeds the maximum of 100$/],
    ['a malformed datasetArn', { datasetArn: 'nope' }, /^datasetArn: .*pattern/],
    ['a nextToken over 1500 characters', { nextToken: 'x'.repeat(1501) }, /^nextToken: length 1501 exceeds/],
  ] as Case[])('ListDatasetExportJobs rejects %s', async (_name, input, message) => {
    const err = await t.client.send(new ListDatasetExportJobsCommand(input)).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputException);
    expect(err.message).toMatch(message);
  });

  it('rejects a forged nextToken with InvalidNextTokenException', async () => {
    const err = await t.client
      .send(new ListDatasetExportJobsCommand({ nextToken: 'forged.token' }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidNextTokenException);
    expect(err.message).toMatch(/^nextToken: /);
  });
});
