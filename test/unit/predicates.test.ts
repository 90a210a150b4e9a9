import { describe, expect, it } from 'vitest';
import { generationOrAnnotations } from '../../src/runtime/predicates.js';
import { type Obj, obj } from '../support/objects.js';

describe('the trigger predicate', () => {
  const trigger = generationOrAnnotations<Obj>('example.com/poke', 'example.com/paused');

  it('wakes on a new generation and on a change of a named annotation', () => {
    expect(trigger(obj(2))).not.toBe(trigger(obj(1)));
    expect(trigger(obj(1, { 'example.com/poke': 'now' }))).not.toBe(trigger(obj(1)));
    expect(trigger(obj(1, { 'example.com/paused': 'true' }))).not.toBe(
      trigger(obj(1, { 'example.com/paused': 'false' })),
    );
  });

  it('ignores status writes and other metadata', () => {
    expect(trigger(obj(1, {}, { ref: 'x' }))).toBe(trigger(obj(1)));
    expect(trigger(obj(1, { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }))).toBe(
      trigger(obj(1)),
    );
  });
});
