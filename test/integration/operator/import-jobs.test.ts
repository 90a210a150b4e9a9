/**
 * DatasetImportJob end to end: the operator on the real API server imports CSV through the emulator's
 * CreateDatasetImportJob, on the same job lifecycle as the export job (one Create, adoption, tags, pause).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CreateDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { datasetImportJob } from '../../../src/kinds/dataset-import-job/manifest.js';
import { IMPORT_PLURAL } from '../../../src/kinds/dataset-import-job/schema.js';
import type { DatasetImportJob, DatasetImportJobSpec } from '../../../src/kinds/dataset-import-job/types.js';
import { demoDataset, ROLE } from '../../support/emulator.js';
import { kubectl } from '../../support/kube.js';
import { condition, installCrd, resources, type Stack, spec, startStack } from '../../support/operator.js';

const importSpec = (overrides: Partial<DatasetImportJobSpec> = {}): DatasetImportJobSpec => ({
  datasetArn: demoDataset('USERS'),
  dataSource: { dataLocation: 's3://data/users/all.csv' },
  roleArn: ROLE,
  ...overrides,
});

describe('DatasetImportJob against the real API server and the emulator', () => {
  let stack: Stack;
  beforeAll(installCrd);
  afterEach(() => stack?.close());

  /** Puts a file into the emulator's local S3, as `aws s3 cp` would. */
  const putObject = (key: string, body: string) => {
    const file = join(stack.aws.emulator.s3Root, key);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  };
  const imports = () => resources<DatasetImportJob>(stack.api, stack.namespace, IMPORT_PLURAL);
  const create = (name: string, jobSpec: DatasetImportJobSpec, annotations?: Record<string, string>) =>
    stack.api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: stack.namespace,
      plural: IMPORT_PLURAL,
      body: datasetImportJob(name, jobSpec, annotations ? { annotations } : {}),
    });
  const start = async (options = {}) => {
    stack = await startStack();
    await stack.startOperator(options);
  };

  it('imports a CSV to ACTIVE once, and an export of the dataset afterwards shows the imported rows', async () => {
    await start();
    putObject('data/users/all.csv', 'USER_ID,MEMBERSHIP\nu1,bronze\nu9,platinum\n');
    await create('users', importSpec({ tags: { team: 'ml' } }));
    await kubectl(['wait', '-n', stack.namespace, '--for=condition=Complete', '--timeout=30s', 'dsij/users']);
    const done = await imports().get('users');
    expect(done.spec.importMode).toBe('FULL');
    expect(done.status).toMatchObject({ status: 'ACTIVE', tags: { team: 'ml' } });
    expect(done.status?.datasetImportJobArn).toMatch(/:dataset-import-job\/.+-[0-9a-f]{10}$/);
    expect(condition(done, 'Ready')?.status).toBe('True');
    expect(condition(done, 'Stalled')?.status).toBe('False');
    expect((await stack.aws.stats()).CreateDatasetImportJob?.calls).toBe(1);
    const events = (await stack.events('users')).map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(['Created', 'StatusChanged']));
    // The job in AWS carries spec.tags and the owner tags, from its Create.
    const tags = await stack.aws.client.send(
      new ListTagsForResourceCommand({ resourceArn: done.status!.datasetImportJobArn! }),
    );
    expect(Object.fromEntries(tags.tags!.map((t) => [t.tagKey, t.tagValue]))).toMatchObject({
      team: 'ml',
      'personalize.ops.dev/owner-name': 'users',
      'personalize.ops.dev/owner-namespace': stack.namespace,
    });

    await stack.create(
      'users-export',
      spec({
        datasetArn: demoDataset('USERS'),
        ingestionMode: 'BULK',
        jobOutput: { s3DataDestination: { path: 's3://exports/imported/' } },
      }),
    );
    const exported = await stack.waitFor('users-export', (o) => o.status?.status === 'ACTIVE');
    const folder = join(stack.aws.emulator.s3Root, 'exports', 'imported', exported.status!.jobName!);
    const rows = readdirSync(folder).flatMap((f) =>
      readFileSync(join(folder, f), 'utf8').trimEnd().split('\n').slice(1),
    );
    expect(rows.sort()).toEqual(['u1,bronze', 'u9,platinum']);
  });

  it("reports a failing import as CREATE FAILED with AWS's failureReason: Failed and Stalled", async () => {
    await start();
    await create('missing', importSpec({ dataSource: { dataLocation: 's3://data/nothing-here.csv' } }));
    const failed = await imports().waitFor('missing', (o) => o.status?.status === 'CREATE FAILED');
    expect(failed.status?.failureReason).toContain('s3://data/nothing-here.csv');
    expect(condition(failed, 'Failed')).toMatchObject({ status: 'True' });
    expect(condition(failed, 'Ready')?.message).toBe(failed.status?.failureReason);
    expect(condition(failed, 'Stalled')?.status).toBe('True');
    expect((await stack.events('missing')).map((e) => e.reason)).toContain('CreateFailed');
  });

  it('adopts an existing import job that the spec describes, and refuses one it does not, without Create', async () => {
    await start({ allowAdoption: true });
    putObject('data/users/all.csv', 'USER_ID,MEMBERSHIP\nu1,bronze\n');
    const { datasetImportJobArn } = await stack.aws.client.send(
      new CreateDatasetImportJobCommand({
        jobName: 'loaded-by-hand',
        datasetArn: demoDataset('USERS'),
        dataSource: { dataLocation: 's3://data/users/all.csv' },
        roleArn: ROLE,
      }),
    );
    await create('adopter', importSpec({ jobName: 'loaded-by-hand' }));
    await create('other-mode', importSpec({ jobName: 'loaded-by-hand', importMode: 'INCREMENTAL' }));
    const adopted = await imports().waitFor('adopter', (o) => o.status?.status === 'ACTIVE');
    expect(adopted.status?.datasetImportJobArn).toBe(datasetImportJobArn);
    const refused = await imports().waitFor(
      'other-mode',
      (o) => condition(o, 'Synced')?.reason === 'SpecMismatch',
    );
    expect(condition(refused, 'Synced')?.message).toContain('importMode is FULL, the spec says INCREMENTAL');
    expect(condition(refused, 'Synced')?.message).toContain(
      'create a DatasetImportJob whose spec matches it',
    );
    expect(refused.status?.datasetImportJobArn).toBeUndefined();
    expect((await stack.aws.stats()).CreateDatasetImportJob?.calls).toBe(1);
    expect((await stack.events('adopter')).map((e) => e.reason)).toContain('Adopted');
  });

  it('makes the job’s tags spec.tags when they are edited, keeping the owner tags', async () => {
    await start();
    putObject('data/users/all.csv', 'USER_ID,MEMBERSHIP\nu1,bronze\n');
    await create('tagged', importSpec({ tags: { team: 'ml', stage: 'dev' } }));
    const done = await imports().waitFor('tagged', (o) => o.status?.status === 'ACTIVE');
    await kubectl([
      'patch',
      'dsij/tagged',
      '-n',
      stack.namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { tags: { team: 'search', stage: null } } }),
    ]);
    await imports().waitFor('tagged', (o) => o.status?.tags?.team === 'search');
    const tags = await stack.aws.client.send(
      new ListTagsForResourceCommand({ resourceArn: done.status!.datasetImportJobArn! }),
    );
    const byKey = Object.fromEntries(tags.tags!.map((t) => [t.tagKey, t.tagValue]));
    expect(byKey).toMatchObject({ team: 'search', 'personalize.ops.dev/owner-name': 'tagged' });
    expect(byKey).not.toHaveProperty('stage');
    expect((await stack.events('tagged')).map((e) => e.note)).toContain('Tags set team; removed stage');
  });

  it('makes no AWS call for a paused import, and imports once it is resumed', async () => {
    await start();
    putObject('data/users/all.csv', 'USER_ID,MEMBERSHIP\nu1,bronze\n');
    await create('held', importSpec(), { 'personalize.ops.dev/paused': 'true' });
    // Proof the operator looked: the import's own controller reconciled it, and said Paused.
    await stack.reconciledAgain('held', 0, 'datasetimportjob');
    const paused = await imports().waitFor('held', (o) => condition(o, 'Synced')?.reason === 'Paused');
    expect(paused.status?.status).toBeUndefined();
    expect((await stack.aws.stats()).CreateDatasetImportJob).toBeUndefined();
    await kubectl(['annotate', 'dsij/held', '-n', stack.namespace, 'personalize.ops.dev/paused-']);
    await imports().waitFor('held', (o) => o.status?.status === 'ACTIVE');
    expect((await stack.events('held')).map((e) => e.reason)).toEqual(
      expect.arrayContaining(['Paused', 'Resumed']),
    );
  });

  it('waits as DatasetBusy while another import loads the dataset, then imports (Reconciling, not Stalled)', async () => {
    // Slow jobs: the first import is still loading when the second asks.
    stack = await startStack({ speed: 2 });
    await stack.startOperator();
    putObject('data/users/all.csv', 'USER_ID,MEMBERSHIP\nu1,bronze\n');
    await create('first', importSpec());
    await imports().waitFor('first', (o) => o.status?.status !== undefined);
    await create('second', importSpec({ importMode: 'INCREMENTAL' }));
    const busy = await imports().waitFor('second', (o) => condition(o, 'Synced')?.reason === 'DatasetBusy');
    expect(condition(busy, 'Reconciling')?.status).toBe('True');
    expect(condition(busy, 'Stalled')?.status).toBe('False');
    const second = await imports().waitFor('second', (o) => o.status?.status === 'ACTIVE', 60_000);
    const described = await stack.aws.client.send(
      new DescribeDatasetImportJobCommand({ datasetImportJobArn: second.status!.datasetImportJobArn! }),
    );
    expect(described.datasetImportJob?.importMode).toBe('INCREMENTAL');
  });
});
