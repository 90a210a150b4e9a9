import { describe, expect, it } from 'vitest';
import { StringPool } from '../../src/runtime/string-pool.js';

describe('StringPool', () => {
  it('leaves a tree equal to what it was: nested objects, arrays, nulls, numbers and long strings', () => {
    const tree = () => ({
      apiVersion: 'personalize.ops.dev/v1alpha1',
      metadata: {
        name: 'a',
        labels: { team: 'ml' },
        finalizers: ['x', 'y'],
        generation: 2,
        deletionTimestamp: null,
      },
      status: {
        conditions: [
          { type: 'Ready', status: 'True', message: 'm'.repeat(300) },
          { type: 'Synced', status: 'True', observedGeneration: 2 },
        ],
        matrix: [
          ['a', 1],
          [null, { deep: 'b' }],
        ],
        flag: true,
      },
    });
    const pool = new StringPool(4, 256);
    const value = tree();
    pool.internAll(value);
    pool.internAll(value);
    expect(value).toEqual(tree());
  });

  it('returns equal strings, the first time and after', () => {
    const pool = new StringPool();
    const built = (n: number) => ['arn:aws:personalize', 'us-east-1', String(n)].join(':');
    expect(pool.intern(built(1))).toBe('arn:aws:personalize:us-east-1:1');
    expect(pool.intern(built(1))).toBe('arn:aws:personalize:us-east-1:1');
  });

  it('stays bounded by two generations however many distinct strings pass through it', () => {
    const pool = new StringPool(100);
    for (let i = 0; i < 10_000; i++) pool.intern(`uid-${i}`);
    expect(pool.size).toBeLessThanOrEqual(200);
    expect(pool.size).toBeGreaterThanOrEqual(100);
  });

  it('keeps a string seen in every generation, and lets one seen once go', () => {
    const pool = new StringPool(10);
    pool.intern('once');
    for (let i = 0; i < 100; i++) {
      pool.intern('common');
      pool.intern(`unique-${i}`);
    }
    expect(pool.has('common')).toBe(true);
    expect(pool.has('once')).toBe(false);
  });
});
