import { describe, expect, it } from 'vitest';
import { replacingMergePatch } from '../../src/runtime/merge-patch.js';

describe('replacingMergePatch', () => {
  it('nulls what the new value drops, at any depth, and replaces lists whole', () => {
    expect(
      replacingMergePatch(
        {
          status: 'ACTIVE',
          failureReason: 'x',
          tags: { team: 'ml', owner: 'ana' },
          conditions: [{ type: 'A' }],
        },
        { status: 'ACTIVE', tags: { team: 'search' }, conditions: [{ type: 'B' }] },
      ),
    ).toEqual({
      status: 'ACTIVE',
      failureReason: null,
      tags: { team: 'search', owner: null },
      conditions: [{ type: 'B' }],
    });
  });

  it('treats an undefined member as dropped and leaves new members as they are', () => {
    expect(replacingMergePatch({ a: 1, b: { c: 2 } }, { a: undefined, b: { c: 2 }, d: { e: 3 } })).toEqual({
      a: null,
      b: { c: 2 },
      d: { e: 3 },
    });
    expect(replacingMergePatch({}, { tags: {} })).toEqual({ tags: {} });
  });
});
