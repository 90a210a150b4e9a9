import { describe, expect, it } from 'vitest';
import { Indexer } from '../../src/runtime/indexer.js';
import { type Obj, obj } from '../support/objects.js';

describe('Indexer', () => {
  it('finds objects by value, follows changes and forgets deleted keys', () => {
    const index = new Indexer<Obj>((o) => o.status?.ref);
    index.update('ns/a', obj(1, {}, { ref: 'x' }));
    index.update('ns/b', obj(1, {}, { ref: 'x' }));
    index.update('ns/c', obj(1));
    expect(index.get('x').length).toBe(2);
    index.update('ns/a', obj(1, {}, { ref: 'y' }));
    expect(index.get('x').length).toBe(1);
    expect(index.get('y').length).toBe(1);
    index.update('ns/b', undefined);
    expect(index.get('x')).toEqual([]);
  });
});
