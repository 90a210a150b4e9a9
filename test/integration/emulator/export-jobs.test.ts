import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateDatasetCommand,
  CreateDatasetExportJobCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  type DatasetExportJob,
  DescribeDatasetExportJobCommand,
  InvalidInputException,
  LimitExceededException,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyTagKeysException,
  TooManyTagsException,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoDataset,
  ROLE,
  sdkClient,
  startTestEmulator,
  type TestEmulator,
} from '../../support/emulator.js';

const output = (path: string) => ({ s3DataDestination: { path } });

async function waitTerminal(t: TestEmulator, arn: string): Promise<DatasetExportJob> {
  for (;;) {
    const job = (await t.client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn: arn })))
      .datasetExportJob!;
    if (job.status === 'ACTIVE' || job.status === 'CREATE FAILED') return job;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function readExport(t: TestEmulator, relative: string): string[] {
  const folder = join(t.emulator.s3Root, relative);
  return readdirSync(folder).flatMap((f) => readFileSync(join(folder, f), 'utf8').trimEnd().split('\n'));
}

describe('emulator export jobs', () => {
  let t: TestEmulator;
  afterEach(() => t.close());

  it('moves through CREATE PENDING, CREATE IN_PROGRESS and ACTIVE with lastUpdatedDateTime moving', async () => {
    t = await startTestEmulator({ speed: 20 });
    const { datasetExportJobArn } = await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'watched',
        datasetArn: demoDataset('USERS'),
        roleArn: ROLE,
        jobOutput: output('s3://bucket/watched/'),
      }),
    );
    expect(datasetExportJobArn).toBe('arn:aws:personalize:us-east-1:123456789012:dataset-export-job/watched');
    const seen: DatasetExportJob[] = [];
    for (;;) {
      const job = (await t.client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn })))
        .datasetExportJob!;
      if (seen.at(-1)?.status !== job.status) seen.push(job);
      if (job.status === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen.map((j) => j.status)).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
    const times = seen.map((j) => j.lastUpdatedDateTime!.getTime());
    expect(times[0]).toBe(seen[0]!.creationDateTime!.getTime());
    expect(times[1]).toBeGreaterThan(times[0]!);
    expect(times[2]).toBeGreaterThan(times[1]!);
    expect(seen[2]).toMatchObject({ ingestionMode: 'PUT', roleArn: ROLE, datasetArn: demoDataset('USERS') });
    expect(seen[2]!.failureReason).toBeUndefined();
  });

  it('writes CSV with a header row filtered by ingestion mode', async () => {
    t = await startTestEmulator();
    const create = async (
      jobName: string,
      ingestionMode: 'BULK' | 'PUT' | 'ALL',
      type: 'ITEMS' | 'INTERACTIONS',
    ) => {
      const { datasetExportJobArn } = await t.client.send(
        new CreateDatasetExportJobCommand({
          jobName,
          datasetArn: demoDataset(type),
          ingestionMode,
          roleArn: ROLE,
          jobOutput: output('s3://exports/demo'),
        }),
      );
      expect((await waitTerminal(t, datasetExportJobArn!)).status).toBe('ACTIVE');
      return readExport(t, `exports/demo/${jobName}`);
    };
    expect(await create('items-bulk', 'BULK', 'ITEMS')).toEqual([
      'ITEM_ID,GENRE',
      'i1,drama',
      'i2,comedy',
      'i3,"sci-fi, classic"',
    ]);
    expect(await create('items-put', 'PUT', 'ITEMS')).toEqual([
      'ITEM_ID,GENRE',
      'i2,romance',
      'i4,documentary',
    ]);
    // ALL keeps the newest record per item: i2's put replaces its bulk record.
    expect(await create('items-all', 'ALL', 'ITEMS')).toEqual([
      'ITEM_ID,GENRE',
      'i1,drama',
      'i3,"sci-fi, classic"',
      'i2,romance',
      'i4,documentary',
    ]);
    // Interactions keep every record with ALL.
    expect(await create('interactions-all', 'ALL', 'INTERACTIONS')).toHaveLength(1 + 6);
  });

  it('fails the job with a reason when the bucket or the role cannot be used', async () => {
    t = await startTestEmulator();
    await t.setFaults({
      unwritableBuckets: ['locked'],
      deniedRoles: ['arn:aws:iam::123456789012:role/NoAccess'],
    });
    const bucket = await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'b',
        datasetArn: demoDataset('USERS'),
        roleArn: ROLE,
        jobOutput: output('s3://locked/x/'),
      }),
    );
    const role = await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'r',
        datasetArn: demoDataset('USERS'),
        roleArn: 'arn:aws:iam::123456789012:role/NoAccess',
        jobOutput: output('s3://open/x/'),
      }),
    );
    const failedBucket = await waitTerminal(t, bucket.datasetExportJobArn!);
    expect(failedBucket.status).toBe('CREATE FAILED');
    expect(failedBucket.failureReason).toMatch(
      /^Insufficient privileges for accessing data in S3\..*fix bucket policy on locked\.$/,
    );
    const failedRole = await waitTerminal(t, role.datasetExportJobArn!);
    expect(failedRole.status).toBe('CREATE FAILED');
    expect(failedRole.failureReason).toMatch(
      /cannot assume the role arn:aws:iam::123456789012:role\/NoAccess/,
    );
  });

  it('refuses a duplicate name, an unknown dataset and a dataset that is not ACTIVE', async () => {
    t = await startTestEmulator({ durations: { datasetMs: 60_000 } });
    const input = {
      jobName: 'once',
      datasetArn: demoDataset('USERS'),
      roleArn: ROLE,
      jobOutput: output('s3://b/'),
    };
    await t.client.send(new CreateDatasetExportJobCommand(input));
    const duplicate = await t.client
      .send(new CreateDatasetExportJobCommand({ ...input, datasetArn: demoDataset('ITEMS') }))
      .catch((e) => e);
    expect(duplicate).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(duplicate.message).toMatch(/dataset-export-job\/once already exists/);

    const unknown = `arn:aws:personalize:us-east-1:123456789012:dataset/nope/ITEMS`;
    const missing = await t.client
      .send(new CreateDatasetExportJobCommand({ ...input, jobName: 'x', datasetArn: unknown }))
      .catch((e) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.message).toContain(unknown);

    const { schemaArn } = await t.client.send(
      new CreateSchemaCommand({
        name: 'actions-like',
        schema: JSON.stringify({ type: 'record', name: 'x', fields: [{ name: 'USER_ID', type: 'string' }] }),
      }),
    );
    // A new group becomes ACTIVE within milliseconds at this speed; its dataset stays PENDING for a minute.
    const { datasetGroupArn } = await t.client.send(new CreateDatasetGroupCommand({ name: 'fresh' }));
    await new Promise((r) => setTimeout(r, 50));
    const { datasetArn } = await t.client.send(
      new CreateDatasetCommand({ name: 'fresh-users', schemaArn, datasetGroupArn, datasetType: 'Users' }),
    );
    const pending = await t.client
      .send(new CreateDatasetExportJobCommand({ ...input, jobName: 'y', datasetArn }))
      .catch((e) => e);
    expect(pending).toBeInstanceOf(ResourceInUseException);
    expect(pending.message).toMatch(/is not ACTIVE \(status CREATE PENDING\)/);
  });

  it('lists the tags of export jobs, datasets and dataset groups, and refuses an unknown ARN', async () => {
    t = await startTestEmulator();
    const tags = [
      { tagKey: 'team', tagValue: 'ml' },
      { tagKey: 'cost-center', tagValue: '' },
    ];
    const { datasetExportJobArn } = await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'tagged',
        datasetArn: demoDataset('USERS'),
        roleArn: ROLE,
        jobOutput: output('s3://b/'),
        tags,
      }),
    );
    const tagsOf = async (resourceArn: string) =>
      (await t.client.send(new ListTagsForResourceCommand({ resourceArn }))).tags;
    expect(await tagsOf(datasetExportJobArn!)).toEqual(tags);
    const { datasetGroupArn } = await t.client.send(
      new CreateDatasetGroupCommand({ name: 'tagged-group', tags: [{ tagKey: 'env', tagValue: 'dev' }] }),
    );
    expect(await tagsOf(datasetGroupArn!)).toEqual([{ tagKey: 'env', tagValue: 'dev' }]);
    expect(await tagsOf(demoDataset('USERS'))).toEqual([]);

    const unknown = 'arn:aws:personalize:us-east-1:123456789012:dataset-export-job/never';
    const missing = await tagsOf(unknown).catch((e) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.message).toBe(`Resource Arn ${unknown} does not exist.`);
    const invalid = await tagsOf('not-an-arn').catch((e) => e);
    expect(invalid).toBeInstanceOf(InvalidInputException);
    expect(invalid.message).toMatch(/^resourceArn: /);
  });

  it('adds, overwrites and removes tags, within the per-resource limit and the key rules', async () => {
    t = await startTestEmulator();
    const { datasetExportJobArn: resourceArn } = await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'retagged',
        datasetArn: demoDataset('USERS'),
        roleArn: ROLE,
        jobOutput: output('s3://b/'),
        tags: [{ tagKey: 'team', tagValue: 'ml' }],
      }),
    );
    const tagsOf = async () => (await t.client.send(new ListTagsForResourceCommand({ resourceArn }))).tags;
    const tag = (tags: { tagKey: string; tagValue: string }[]) =>
      t.client.send(new TagResourceCommand({ resourceArn, tags })).catch((e) => e);
    const untag = (tagKeys: string[]) =>
      t.client.send(new UntagResourceCommand({ resourceArn, tagKeys })).catch((e) => e);

    await tag([
      { tagKey: 'team', tagValue: 'search' },
      { tagKey: 'owner', tagValue: 'ana' },
    ]);
    expect(await tagsOf()).toEqual([
      { tagKey: 'team', tagValue: 'search' },
      { tagKey: 'owner', tagValue: 'ana' },
    ]);
    await untag(['owner', 'never-there']);
    expect(await tagsOf()).toEqual([{ tagKey: 'team', tagValue: 'search' }]);

    const many = Array.from({ length: 50 }, (_, i) => ({ tagKey: `k${i}`, tagValue: '' }));
    const tooMany = await tag(many);
    expect(tooMany).toBeInstanceOf(TooManyTagsException);
    expect(tooMany.message).toBe('tags: 51 tags exceed the limit of 50 per resource');
    const reserved = await tag([{ tagKey: 'aws:owner', tagValue: 'x' }]);
    expect(reserved).toBeInstanceOf(InvalidInputException);
    expect(reserved.message).toBe('tags: the tag key aws:owner uses the reserved prefix aws:');
    const badKey = await untag(['no#hash']);
    expect(badKey).toBeInstanceOf(InvalidInputException);
    expect(badKey.message).toMatch(/^tagKeys\[0\]: value \(sensitive\) does not match the pattern/);
    const tooManyKeys = await untag(many.map((m) => m.tagKey).concat('k50'));
    expect(tooManyKeys).toBeInstanceOf(TooManyTagKeysException);
    expect(await tagsOf()).toEqual([{ tagKey: 'team', tagValue: 'search' }]);

    const unknown = 'arn:aws:personalize:us-east-1:123456789012:dataset-export-job/never';
    const missing = await t.client
      .send(new TagResourceCommand({ resourceArn: unknown, tags: [{ tagKey: 'a', tagValue: 'b' }] }))
      .catch((e) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('caps in-flight jobs with LimitExceededException when configured', async () => {
    t = await startTestEmulator({ durations: { exportPendingMs: 60_000_000 } });
    await t.setFaults({ maxInFlightExportJobs: 2 });
    const input = (jobName: string) => ({
      jobName,
      datasetArn: demoDataset('USERS'),
      roleArn: ROLE,
      jobOutput: output('s3://b/'),
    });
    await t.client.send(new CreateDatasetExportJobCommand(input('a')));
    await t.client.send(new CreateDatasetExportJobCommand(input('b')));
    const once = sdkClient(t.emulator.url, { maxAttempts: 1 });
    const err = await once.send(new CreateDatasetExportJobCommand(input('c'))).catch((e) => e);
    once.destroy();
    expect(err).toBeInstanceOf(LimitExceededException);
    expect(err.message).toBe('The limit of 2 pending or in-progress dataset export jobs has been reached.');
  });
});
