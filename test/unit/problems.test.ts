import { describe, expect, it } from 'vitest';
import type { ClassifiedError } from '../../src/aws/errors.js';
import { decide } from '../../src/personalize-job/decide.js';
import { cond, error, identity, resource, settings, update } from '../support/decide-fixtures.js';

describe('problems as status', () => {
  it('records one event and one status for the same AWS error, whatever its request ID', () => {
    const throttled = (requestId: string): ClassifiedError => ({
      ...error('transient', 'Throttled'),
      requestId,
    });
    const first = update(decide(resource(), identity, { kind: 'failed', error: throttled('a-1') }, settings));
    expect(first.events).toHaveLength(1);
    const again = update(
      decide(
        resource({ status: first.status }),
        identity,
        { kind: 'failed', error: throttled('b-2') },
        settings,
      ),
    );
    expect(again.events).toEqual([]);
    expect(again.status).toEqual(first.status);
    expect(cond(again, 'Synced')?.message).toBe('SomeException: it went wrong (request a-1)');
    // Another message is news.
    const other = { ...throttled('c-3'), message: 'something else' };
    const changed = update(
      decide(resource({ status: first.status }), identity, { kind: 'failed', error: other }, settings),
    );
    expect(changed.events).toHaveLength(1);
  });
});
