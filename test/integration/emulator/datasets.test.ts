import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateDatasetCommand,
  CreateDatasetExportJobCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DescribeDatasetCommand,
  DescribeDatasetExportJobCommand,
  InvalidInputException,
  ListDatasetsCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_GROUP,
  demoDataset,
  ROLE,
  startTestEmulator,
  type TestEmulator,
} from '../../support/emulator.js';

const itemsSchema = JSON.stringify({
  type: 'record',
  name: 'Items',
  fields: [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'PRICE', type: 'float' },
  ],
});

describe('emulator datasets', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ durations: { datasetGroupMs: 100_000 } });
  });
  afterAll(() => t.close());

  it('serves the demo seed: three ACTIVE datasets in the demo group', async () => {
    const { datasets } = await t.client.send(new ListDatasetsCommand({ datasetGroupArn: DEMO_GROUP }));
    expect(datasets?.map((d) => [d.datasetType, d.status]).sort()).toEqual([
      ['INTERACTIONS', 'ACTIVE'],
      ['ITEMS', 'ACTIVE'],
      ['USERS', 'ACTIVE'],
    ]);
    const { dataset } = await t.client.send(new DescribeDatasetCommand({ datasetArn: demoDataset('ITEMS') }));
    expect(dataset).toMatchObject({ datasetGroupArn: DEMO_GROUP, name: 'demo-items', status: 'ACTIVE' });
  });

  it('creates a group, a schema and a dataset the way AWS does, with its validation', async () => {
    const { datasetGroupArn } = await t.client.send(
      new CreateDatasetGroupCommand({ name: 'shop', domain: 'ECOMMERCE' }),
    );
    expect(datasetGroupArn).toBe('arn:aws:personalize:us-east-1:123456789012:dataset-group/shop');
    const duplicate = await t.client.send(new CreateDatasetGroupCommand({ name: 'shop' })).catch((e) => e);
    expect(duplicate).toBeInstanceOf(ResourceAlreadyExistsException);
    const badDomain = await t.client
      .send(new CreateDatasetGroupCommand({ name: 'x', domain: 'GAMES' as never }))
      .catch((e) => e);
    expect(badDomain.message).toBe('domain: value "GAMES" is not one of ECOMMERCE, VIDEO_ON_DEMAND');

    const notAvro = await t.client.send(new CreateSchemaCommand({ name: 's', schema: '{' })).catch((e) => e);
    expect(notAvro).toBeInstanceOf(InvalidInputException);
    expect(notAvro.message).toBe('schema: the value is not valid JSON');
    const { schemaArn } = await t.client.send(
      new CreateSchemaCommand({ name: 'shop-items', schema: itemsSchema }),
    );

    // The group is still CREATE PENDING (100 s at speed 1000 = 100 ms).
    const early = await t.client
      .send(
        new CreateDatasetCommand({ name: 'shop-items', schemaArn, datasetGroupArn, datasetType: 'Items' }),
      )
      .catch((e) => e);
    expect(early).toBeInstanceOf(ResourceInUseException);
    await new Promise((r) => setTimeout(r, 150));
    const wrongSchema = await t.client
      .send(
        new CreateDatasetCommand({ name: 'shop-users', schemaArn, datasetGroupArn, datasetType: 'users' }),
      )
      .catch((e) => e);
    expect(wrongSchema.message).toBe('schemaArn: a USERS schema must contain the fields USER_ID');
    const badType = await t.client
      .send(new CreateDatasetCommand({ name: 'n', schemaArn, datasetGroupArn, datasetType: 'Events' }))
      .catch((e) => e);
    expect(badType.message).toMatch(/^datasetType: Events is not one of interactions, items, users/);
    const { datasetArn } = await t.client.send(
      new CreateDatasetCommand({ name: 'shop-items', schemaArn, datasetGroupArn, datasetType: 'items' }),
    );
    expect(datasetArn).toBe('arn:aws:personalize:us-east-1:123456789012:dataset/shop/ITEMS');
  });

  it('loads CSV records through the admin endpoint and exports them', async () => {
    const datasetArn = 'arn:aws:personalize:us-east-1:123456789012:dataset/shop/ITEMS';
    await new Promise((r) => setTimeout(r, 20));
    const load = (origin: string, csv: string) =>
      t.admin(`records?datasetArn=${encodeURIComponent(datasetArn)}&origin=${origin}`, {
        method: 'POST',
        body: csv,
      });
    const bad = await load('BULK', 'ITEM_ID,COLOUR\nx,red\n');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe(
      "records: columns COLOUR are not fields of the dataset's schema",
    );
    expect(await (await load('BULK', 'PRICE,ITEM_ID\n1.5,a\n2.5,b\n')).json()).toEqual({ loaded: 2 });
    expect(await (await load('PUT', 'ITEM_ID\nc\n')).json()).toEqual({ loaded: 1 });

    const { datasetExportJobArn } = await t.client.send(
      new CreateDatasetExportJobCommand({
        jobName: 'shop-all',
        datasetArn,
        ingestionMode: 'ALL',
        roleArn: ROLE,
        jobOutput: { s3DataDestination: { path: 's3://shop/exports/' } },
      }),
    );
    for (let status = ''; status !== 'ACTIVE'; await new Promise((r) => setTimeout(r, 5))) {
      status = (await t.client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn })))
        .datasetExportJob!.status!;
    }
    const csv = readFileSync(join(t.emulator.s3Root, 'shop/exports/shop-all/part-00000.csv'), 'utf8');
    expect(csv).toBe('ITEM_ID,PRICE\na,1.5\nb,2.5\nc,\n');
  });
});
