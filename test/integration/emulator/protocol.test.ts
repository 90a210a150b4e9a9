import {
  DescribeDatasetExportJobCommand,
  ListDatasetExportJobsCommand,
  ListDatasetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClient, startTestEmulator, type TestEmulator } from '../../support/emulator.js';

const AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/personalize/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

describe('emulator wire protocol (AWS JSON 1.1)', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(() => t.close());

  const post = (headers: Record<string, string>, body = '{}') =>
    fetch(t.emulator.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', ...headers },
      body,
    });

  it('answers the SDK with epoch-second timestamps parsed to Dates and a request id', async () => {
    const out = await t.client.send(new ListDatasetExportJobsCommand({}));
    expect(out.datasetExportJobs).toEqual([]);
    expect(out.nextToken).toBeUndefined();
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('raises the SDK exception classes with the message', async () => {
    const arn = 'arn:aws:personalize:us-east-1:123456789012:dataset-export-job/missing';
    const err = await t.client
      .send(new DescribeDatasetExportJobCommand({ datasetExportJobArn: arn }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe(`Resource Arn ${arn} does not exist.`);
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses requests without a SigV4 Authorization header', async () => {
    const res = await post({ 'X-Amz-Target': 'AmazonPersonalize.ListDatasetExportJobs' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('refuses credentials scoped to another service', async () => {
    const res = await post({
      'X-Amz-Target': 'AmazonPersonalize.ListDatasetExportJobs',
      Authorization: AUTH.replace('/personalize/', '/s3/'),
    });
    expect(await res.json()).toMatchObject({ __type: 'InvalidSignatureException' });
  });

  it('answers UnknownOperationException for operations it does not serve', async () => {
    const res = await post({
      'X-Amz-Target': 'AmazonPersonalize.DeleteDatasetExportJob',
      Authorization: AUTH,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('answers SerializationException for a body that is not a JSON object', async () => {
    const res = await post(
      { 'X-Amz-Target': 'AmazonPersonalize.ListDatasetExportJobs', Authorization: AUTH },
      '[1]',
    );
    expect(await res.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('keeps state per region, the one the request is signed for', async () => {
    const west = sdkClient(t.emulator.url, { region: 'eu-west-1' });
    try {
      expect((await west.send(new ListDatasetsCommand({}))).datasets).toEqual([]);
      expect((await t.client.send(new ListDatasetsCommand({}))).datasets).toHaveLength(3);
    } finally {
      west.destroy();
    }
  });
});
