/**
 * Seeds: dataset groups, datasets and records created ready to use when the emulator starts (the demo one).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { OperationContext } from './context.js';
import { createDataset, createDatasetGroup, createSchema } from './datasets.js';
import { invalidInput } from './errors.js';
import { ACTIVE } from './model.js';
import { loadRecords } from './records.js';

/**
 * A seed describes dataset groups, their datasets and records, created ready to use (ACTIVE). Record CSV
 * comes inline (`csv`) or from a file relative to the seed file (`file`).
 */
export interface Seed {
  datasetGroups: {
    name: string;
    datasets: {
      type: string;
      name?: string;
      schema: unknown;
      records?: { origin: string; csv?: string; file?: string }[];
    }[];
  }[];
  /** Objects put in the emulator's S3 (`bucket/key` → content): data for import jobs to read. */
  s3?: Record<string, string>;
}

const avro = (name: string, fields: [string, string][]) => ({
  type: 'record',
  name,
  namespace: 'com.amazonaws.personalize.schema',
  fields: fields.map(([n, type]) => ({ name: n, type })),
  version: '1.0',
});

/** The demo: one dataset group with interactions, items and users, records from both bulk import and puts. */
export const DEMO_SEED: Seed = {
  datasetGroups: [
    {
      name: 'demo',
      datasets: [
        {
          type: 'Interactions',
          schema: avro('Interactions', [
            ['USER_ID', 'string'],
            ['ITEM_ID', 'string'],
            ['TIMESTAMP', 'long'],
            ['EVENT_TYPE', 'string'],
          ]),
          records: [
            {
              origin: 'BULK',
              csv: 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,1700000000,click\nu1,i2,1700000100,purchase\nu2,i1,1700000200,click\nu3,i3,1700000300,click\n',
            },
            {
              origin: 'PUT',
              csv: 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu2,i3,1700100000,click\nu4,i2,1700100100,click\n',
            },
          ],
        },
        {
          type: 'Items',
          schema: avro('Items', [
            ['ITEM_ID', 'string'],
            ['GENRE', 'string'],
          ]),
          records: [
            { origin: 'BULK', csv: 'ITEM_ID,GENRE\ni1,drama\ni2,comedy\ni3,"sci-fi, classic"\n' },
            { origin: 'PUT', csv: 'ITEM_ID,GENRE\ni2,romance\ni4,documentary\n' },
          ],
        },
        {
          type: 'Users',
          schema: avro('Users', [
            ['USER_ID', 'string'],
            ['MEMBERSHIP', 'string'],
          ]),
          records: [
            { origin: 'BULK', csv: 'USER_ID,MEMBERSHIP\nu1,gold\nu2,silver\nu3,silver\n' },
            { origin: 'PUT', csv: 'USER_ID,MEMBERSHIP\nu4,bronze\n' },
          ],
        },
      ],
    },
  ],
  // New members to load into the demo users with an INCREMENTAL import (examples/datasetimportjob.yaml).
  s3: { 'demo-data/users/new-members.csv': 'USER_ID,MEMBERSHIP\nu5,gold\nu6,bronze\nu2,gold\n' },
};

/** Puts the seed's objects into the emulator's S3 (a folder: `s3://bucket/key` is `<s3Root>/bucket/key`). */
export function writeSeedObjects(seed: Seed, s3Root: string): void {
  for (const [key, body] of Object.entries(seed.s3 ?? {})) {
    const file = join(s3Root, key);
    // `bucket/key` names a file in the emulator's S3, never one beside it.
    if (relative(s3Root, file).startsWith('..') || !/^[^/]+\/.+[^/]$/.test(key))
      throw invalidInput(`s3: ${key} is not a bucket/key of a file in the emulator's S3`);
    if (typeof body !== 'string') throw invalidInput(`s3: ${key}: the content must be a string`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  }
}

export function readSeedFile(path: string): { seed: Seed; baseDir: string } {
  let seed: Seed;
  try {
    seed = JSON.parse(readFileSync(path, 'utf8')) as Seed;
  } catch (err) {
    throw new Error(`seed file ${path}: ${(err as Error).message}`);
  }
  if (!Array.isArray(seed?.datasetGroups)) throw new Error(`seed file ${path}: datasetGroups must be a list`);
  return { seed, baseDir: dirname(resolve(path)) };
}

/** Creates the seed's resources through the same operations the API serves, so seeds are validated alike. */
export async function applySeed(ctx: OperationContext, seed: Seed, baseDir = process.cwd()): Promise<void> {
  for (const [gi, group] of seed.datasetGroups.entries()) {
    const { datasetGroupArn } = (await createDatasetGroup(ctx, { name: group.name })) as {
      datasetGroupArn: string;
    };
    ctx.state.datasetGroups[datasetGroupArn]!.status = ACTIVE;
    for (const [di, dataset] of (group.datasets ?? []).entries()) {
      const at = `datasetGroups[${gi}].datasets[${di}]`;
      const name = dataset.name ?? `${group.name}-${dataset.type.toLowerCase()}`;
      const schema = typeof dataset.schema === 'string' ? dataset.schema : JSON.stringify(dataset.schema);
      const { schemaArn } = (await createSchema(ctx, { name: `${name}-schema`, schema })) as {
        schemaArn: string;
      };
      const { datasetArn } = (await createDataset(ctx, {
        name,
        schemaArn,
        datasetGroupArn,
        datasetType: dataset.type,
      })) as { datasetArn: string };
      ctx.state.datasets[datasetArn]!.status = ACTIVE;
      for (const [ri, records] of (dataset.records ?? []).entries()) {
        const csv =
          records.csv ?? (records.file ? readFileSync(resolve(baseDir, records.file), 'utf8') : undefined);
        if (csv === undefined) throw invalidInput(`${at}.records[${ri}]: give csv or file`);
        loadRecords(ctx.state, datasetArn, records.origin, csv);
      }
    }
  }
  await ctx.store.persist();
}
