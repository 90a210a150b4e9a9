import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSeedObjects } from '../../src/emulator/seed.js';

describe("a seed's S3 objects", () => {
  const root = () => mkdtempSync(join(tmpdir(), 'seed-s3-'));

  it('puts each bucket/key under the S3 folder', () => {
    const s3 = root();
    writeSeedObjects({ datasetGroups: [], s3: { 'data/users/all.csv': 'USER_ID\nu1\n' } }, s3);
    expect(readFileSync(join(s3, 'data/users/all.csv'), 'utf8')).toBe('USER_ID\nu1\n');
  });

  it.each([
    ['../outside.csv'],
    ['data/../../outside.csv'],
    ['just-a-bucket'],
    ['data/folder/'],
    ['/data/x.csv'],
  ])('refuses %s, naming it', (key) => {
    expect(() => writeSeedObjects({ datasetGroups: [], s3: { [key]: 'x' } }, root())).toThrow(
      `s3: ${key} is not a bucket/key of a file in the emulator's S3`,
    );
  });
});
