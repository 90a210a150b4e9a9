import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CreateDatasetExportJobCommand,
  CreateDatasetImportJobCommand,
  type DatasetImportJob,
  DescribeDatasetExportJobCommand,
  DescribeDatasetImportJobCommand,
  InvalidInputException,
  ListDatasetImportJobsCommand,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SEED } from '../../../src/emulator/seed.js';
import {
  DEMO_GROUP,
  demoDataset,
  ROLE,
  startTestEmulator,
  type TestEmulator,
} from '../../support/emulator.js';

/** Puts a file into the emulator's local S3, as `aws s3 cp` would into a bucket. */
function putObject(t: TestEmulator, key: string, body: string): void {
  const file = join(t.emulator.s3Root, key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
}

/** Polls the job until it ends; `seen` is every status it showed on the way, in order. */
async function waitTerminal(
  t: TestEmulator,
  datasetImportJobArn: string,
): Promise<DatasetImportJob & { seen: string[] }> {
  const seen: string[] = [];
  for (;;) {
    const job = (await t.client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })))
      .datasetImportJob!;
    if (seen.at(-1) !== job.status) seen.push(job.status ?? '');
    if (job.status === 'ACTIVE' || job.status === 'CREATE FAILED') return { ...job, seen };
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The rows an export of the dataset shows now (its one file, header first). */
async function exported(t: TestEmulator, type: 'USERS' | 'ITEMS', mode: 'BULK' | 'ALL', name: string) {
  const { datasetExportJobArn } = await t.client.send(
    new CreateDatasetExportJobCommand({
      jobName: name,
      datasetArn: demoDataset(type),
      roleArn: ROLE,
      ingestionMode: mode,
      jobOutput: { s3DataDestination: { path: 's3://exports/check/' } },
    }),
  );
  for (;;) {
    const job = await t.client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn }));
    if (job.datasetExportJob?.status === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const folder = join(t.emulator.s3Root, 'exports', 'check', name);
  return readdirSync(folder)
    .flatMap((f) => readFileSync(join(folder, f), 'utf8').trimEnd().split('\n'))
    .slice(1)
    .sort();
}

const importJob = (jobName: string, dataLocation: string, extra: Record<string, unknown> = {}) =>
  new CreateDatasetImportJobCommand({
    jobName,
    datasetArn: demoDataset('USERS'),
    dataSource: { dataLocation },
    roleArn: ROLE,
    ...extra,
  });

describe('emulator import jobs', () => {
  let t: TestEmulator;
  afterEach(() => t.close());

  it('FULL replaces the bulk records from a file (records Put one by one stay); an export then shows them', async () => {
    // Slow enough (20 ms pending) for every status to be seen.
    t = await startTestEmulator({ speed: 100 });
    putObject(t, 'data/users/all.csv', 'USER_ID,MEMBERSHIP\nu1,bronze\nu9,platinum\n');
    const { datasetImportJobArn } = await t.client.send(
      importJob('nightly-users', 's3://data/users/all.csv'),
    );
    expect(datasetImportJobArn).toBe(
      'arn:aws:personalize:us-east-1:123456789012:dataset-import-job/nightly-users',
    );
    const job = await waitTerminal(t, datasetImportJobArn ?? '');
    expect(job.status).toBe('ACTIVE');
    expect(job.seen).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
    expect(job).toMatchObject({
      datasetArn: demoDataset('USERS'),
      dataSource: { dataLocation: 's3://data/users/all.csv' },
      importMode: 'FULL',
      roleArn: ROLE,
    });
    expect(await exported(t, 'USERS', 'BULK', 'after-full')).toEqual(['u1,bronze', 'u9,platinum']);
    expect(await exported(t, 'USERS', 'ALL', 'after-full-all')).toEqual([
      'u1,bronze',
      'u4,bronze',
      'u9,platinum',
    ]);
  });

  it('INCREMENTAL adds every CSV of a folder, a record with a known ID replacing the old one', async () => {
    t = await startTestEmulator({ speed: 1000 });
    putObject(t, 'data/items/part-1.csv', 'ITEM_ID,GENRE\ni1,thriller\ni7,horror\n');
    putObject(t, 'data/items/part-2.csv', 'ITEM_ID,GENRE\ni8,western\n');
    putObject(t, 'data/items/notes.txt', 'not a CSV: left alone');
    const { datasetImportJobArn } = await t.client.send(
      importJob('more-items', 's3://data/items/', {
        datasetArn: demoDataset('ITEMS'),
        importMode: 'INCREMENTAL',
      }),
    );
    expect((await waitTerminal(t, datasetImportJobArn ?? '')).status).toBe('ACTIVE');
    expect(await exported(t, 'ITEMS', 'BULK', 'after-incremental')).toEqual([
      'i1,thriller',
      'i2,comedy',
      'i3,"sci-fi, classic"',
      'i7,horror',
      'i8,western',
    ]);
  });

  it('fails the job, with a failureReason that says why, for missing or malformed data', async () => {
    t = await startTestEmulator({ speed: 1000 });
    const missing = await t.client.send(importJob('missing', 's3://data/nothing-here.csv'));
    const gone = await waitTerminal(t, missing.datasetImportJobArn ?? '');
    expect(gone.status).toBe('CREATE FAILED');
    expect(gone.failureReason).toMatch(/s3:\/\/data\/nothing-here\.csv .*no CSV file found/);
    putObject(t, 'data/users/bad.csv', 'USER_ID,SHOE_SIZE\nu1,42\n');
    const bad = await t.client.send(importJob('bad-header', 's3://data/users/bad.csv'));
    const refused = await waitTerminal(t, bad.datasetImportJobArn ?? '');
    expect(refused.status).toBe('CREATE FAILED');
    expect(refused.failureReason).toMatch(/columns SHOE_SIZE are not fields of the dataset's schema/);
    // A failed import leaves the dataset as it was.
    expect(await exported(t, 'USERS', 'BULK', 'after-failures')).toEqual([
      'u1,gold',
      'u2,silver',
      'u3,silver',
    ]);
  });

  it('refuses bad input naming the member, a taken name, an unknown dataset, and a second import into one dataset', async () => {
    t = await startTestEmulator({ speed: 1, durations: { importPendingMs: 60_000 } });
    await expect(
      t.client.send(
        new CreateDatasetImportJobCommand({ jobName: 'x', datasetArn: demoDataset('USERS') } as never),
      ),
    ).rejects.toThrow(/dataSource: a value is required/);
    await expect(t.client.send(importJob('-bad', 's3://data/a.csv'))).rejects.toBeInstanceOf(
      InvalidInputException,
    );
    await expect(
      t.client.send(importJob('mode', 's3://data/a.csv', { importMode: 'PARTIAL' })),
    ).rejects.toThrow(/importMode: value "PARTIAL" is not one of FULL, INCREMENTAL/);
    await expect(t.client.send(importJob('where', 'ftp://data/a.csv'))).rejects.toThrow(
      /dataSource\.dataLocation: value "ftp:\/\/data\/a\.csv" does not match the pattern/,
    );
    await expect(
      t.client.send(
        importJob('nowhere', 's3://data/a.csv', {
          datasetArn: `${DEMO_GROUP.replace('dataset-group', 'dataset')}x/USERS`,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await t.client.send(importJob('first', 's3://data/a.csv'));
    await expect(t.client.send(importJob('first', 's3://data/b.csv'))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    await expect(t.client.send(importJob('second', 's3://data/b.csv'))).rejects.toBeInstanceOf(
      ResourceInUseException,
    );
  });

  it('takes INCREMENTAL only into a dataset a FULL import has loaded', async () => {
    // A users dataset whose records were all Put one by one: no import has loaded it yet.
    const users = DEMO_SEED.datasetGroups[0]?.datasets.find((d) => d.type === 'Users');
    t = await startTestEmulator({
      speed: 1000,
      seed: {
        datasetGroups: [
          {
            name: 'fresh',
            datasets: [{ ...users!, records: [{ origin: 'PUT', csv: 'USER_ID,MEMBERSHIP\nu1,gold\n' }] }],
          },
        ],
      },
    });
    const fresh = demoDataset('USERS').replace('/demo/', '/fresh/');
    putObject(t, 'data/u.csv', 'USER_ID,MEMBERSHIP\nu2,silver\n');
    await expect(
      t.client.send(
        importJob('too-early', 's3://data/u.csv', { datasetArn: fresh, importMode: 'INCREMENTAL' }),
      ),
    ).rejects.toThrow(/importMode: INCREMENTAL needs a dataset that a FULL import has loaded before/);
    const full = await t.client.send(importJob('first-full', 's3://data/u.csv', { datasetArn: fresh }));
    expect((await waitTerminal(t, full.datasetImportJobArn ?? '')).status).toBe('ACTIVE');
    const later = await t.client.send(
      importJob('then-incremental', 's3://data/u.csv', { datasetArn: fresh, importMode: 'INCREMENTAL' }),
    );
    expect((await waitTerminal(t, later.datasetImportJobArn ?? '')).status).toBe('ACTIVE');
  });

  it('lists newest first, per dataset and in pages, and tags jobs like any resource', async () => {
    t = await startTestEmulator({ speed: 1000 });
    putObject(t, 'data/u.csv', 'USER_ID,MEMBERSHIP\nu1,gold\n');
    putObject(t, 'data/i.csv', 'ITEM_ID,GENRE\ni1,drama\n');
    const a = await t.client.send(importJob('users-1', 's3://data/u.csv'));
    await waitTerminal(t, a.datasetImportJobArn ?? '');
    const b = await t.client.send(
      importJob('users-2', 's3://data/u.csv', { tags: [{ tagKey: 'team', tagValue: 'ml' }] }),
    );
    await waitTerminal(t, b.datasetImportJobArn ?? '');
    await t.client.send(importJob('items-1', 's3://data/i.csv', { datasetArn: demoDataset('ITEMS') }));
    const page = await t.client.send(
      new ListDatasetImportJobsCommand({ datasetArn: demoDataset('USERS'), maxResults: 1 }),
    );
    expect(page.datasetImportJobs?.map((j) => j.jobName)).toHaveLength(1);
    expect(page.nextToken).toBeDefined();
    const rest = await t.client.send(
      new ListDatasetImportJobsCommand({ datasetArn: demoDataset('USERS'), nextToken: page.nextToken }),
    );
    const names = [...(page.datasetImportJobs ?? []), ...(rest.datasetImportJobs ?? [])].map(
      (j) => j.jobName,
    );
    expect(names.sort()).toEqual(['users-1', 'users-2']);
    expect(page.datasetImportJobs?.[0]).toMatchObject({ status: 'ACTIVE', importMode: 'FULL' });
    expect(page.datasetImportJobs?.[0]).not.toHaveProperty('datasetArn');
    const all = await t.client.send(new ListDatasetImportJobsCommand({}));
    expect(all.datasetImportJobs).toHaveLength(3);
    const arn = b.datasetImportJobArn ?? '';
    await t.client.send(
      new TagResourceCommand({ resourceArn: arn, tags: [{ tagKey: 'stage', tagValue: 'prod' }] }),
    );
    expect((await t.client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { tagKey: 'team', tagValue: 'ml' },
      { tagKey: 'stage', tagValue: 'prod' },
    ]);
  });
});
