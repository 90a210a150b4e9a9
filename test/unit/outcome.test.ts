import { describe, expect, it } from 'vitest';
import { keyOf, objectKey, splitKey } from '../../src/runtime/object-key.js';
import { applyOutcome } from '../../src/runtime/outcome.js';
import type { EventSpec } from '../../src/runtime/reconcile.js';

type Obj = { metadata: { name: string; namespace: string }; status?: { phase?: string; note?: string } };
const event: EventSpec = { type: 'Normal', reason: 'Moved', action: 'Observe', note: 'it moved' };

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    effects: {
      writeStatus: async (_obj: Obj, status: Obj['status']) => {
        calls.push(`write ${JSON.stringify(status)}`);
      },
      recordEvent: async (_obj: Obj, e: EventSpec) => {
        calls.push(`event ${e.reason}`);
      },
    },
  };
}

describe('applyOutcome', () => {
  const obj: Obj = { metadata: { name: 'a', namespace: 'ns' }, status: { phase: 'Running' } };

  it('writes a changed status, tells the hook old and new, then records the events', async () => {
    const { calls, effects } = recorder();
    const seen: unknown[] = [];
    const written = await applyOutcome(
      obj,
      { status: { phase: 'Done' }, events: [event] },
      effects,
      (old, now) => seen.push(old, now),
    );
    expect(written).toBe(true);
    expect(calls).toEqual(['write {"phase":"Done"}', 'event Moved']);
    expect(seen).toEqual([{ phase: 'Running' }, { phase: 'Done' }]);
  });

  it('writes nothing for a status equal to the stored one as the API server stores it (undefined members dropped)', async () => {
    const { calls, effects } = recorder();
    const written = await applyOutcome(
      obj,
      { status: { phase: 'Running', note: undefined }, events: [] },
      effects,
    );
    expect(written).toBe(false);
    expect(calls).toEqual([]);
  });
});

describe('object keys', () => {
  it('are namespace/name, made in one place and read back', () => {
    expect(keyOf({ metadata: { namespace: 'ml', name: 'weekly' } })).toBe('ml/weekly');
    expect(objectKey('ml', 'weekly')).toBe('ml/weekly');
    expect(splitKey('ml/weekly')).toEqual({ namespace: 'ml', name: 'weekly' });
  });
});
