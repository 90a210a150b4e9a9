import { describe, expect, it } from 'vitest';
import type { DatasetExportJob } from '../../src/kinds/dataset-export-job/types.js';
import {
  invalidAnnotation,
  invalidRequest,
  MAX_REQUEST_LENGTH,
  paused,
  pauseOf,
  reconcileRequest,
  withResumed,
} from '../../src/personalize-job/annotations.js';
import { decide, isSettled } from '../../src/personalize-job/decide.js';
import { invalidSpec } from '../../src/personalize-job/problems.js';
import {
  cond,
  error,
  identity,
  job,
  now,
  own,
  resource,
  settings,
  update,
} from '../support/decide-fixtures.js';

describe('pause', () => {
  const annotated = (annotations: Record<string, string>, status?: DatasetExportJob['status']) =>
    resource({ metadata: { ...resource().metadata, annotations }, status });

  it('reads the annotation strictly: "true" pauses, "false" or none runs, anything else is refused', () => {
    expect(pauseOf(resource())).toBe('running');
    expect(pauseOf(annotated({ 'personalize.ops.dev/paused': 'false' }))).toBe('running');
    expect(pauseOf(annotated({ 'personalize.ops.dev/paused': 'true' }))).toBe('paused');
    expect(pauseOf(annotated({ 'personalize.ops.dev/paused': 'yes' }))).toEqual({
      invalid:
        'metadata.annotations[personalize.ops.dev/paused] must be "true" or "false", not "yes"; nothing is done for this resource until it is',
    });
  });

  it('keeps what was seen, says Paused once, and leaves a reconcile request pending', () => {
    const running = update(
      decide(resource(), identity, { kind: 'found', job: job('CREATE IN_PROGRESS') }, settings, own),
    );
    const request = {
      'personalize.ops.dev/paused': 'true',
      'personalize.ops.dev/reconcile-requested-at': 'r1',
    };
    const first = paused(annotated(request, running.status), now);
    expect(first.status).toMatchObject({ status: 'CREATE IN_PROGRESS', jobName: identity.jobName });
    expect(first.status.lastHandledReconcileAt).toBeUndefined();
    expect(cond(first, 'Synced')).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(cond(first, 'Ready')).toEqual(running.status.conditions?.find((c) => c.type === 'Ready'));
    expect(first.events.map((e) => [e.type, e.reason])).toEqual([['Normal', 'Paused']]);
    expect(first.requeue).toEqual({ kind: 'none' });

    const again = paused(annotated(request, first.status), new Date(now.getTime() + 60_000));
    expect(again.status).toEqual(first.status);
    expect(again.events).toEqual([]);
  });

  it('unsettles a finished job last seen paused, so resuming reads AWS once more', () => {
    const finished = update(
      decide(resource(), identity, { kind: 'found', job: job('ACTIVE') }, settings, own),
    );
    const pausedStatus = paused(
      annotated({ 'personalize.ops.dev/paused': 'true' }, finished.status),
      now,
    ).status;
    expect(isSettled(resource({ status: finished.status }))).toBe(true);
    expect(isSettled(resource({ status: pausedStatus }))).toBe(false);
    const resumed = update(
      decide(
        resource({ status: pausedStatus }),
        identity,
        { kind: 'found', job: job('ACTIVE') },
        settings,
        own,
      ),
    );
    expect(cond(resumed, 'Synced')).toMatchObject({ status: 'True', reason: 'Synced' });
    expect(resumed.events).toEqual([]);
    expect(isSettled(resource({ status: resumed.status }))).toBe(true);
    // The first update after the pause says so, even when AWS failed; later ones and paused ones do not.
    expect(withResumed(resource({ status: pausedStatus }), resumed).events.map((e) => e.reason)).toEqual([
      'Resumed',
    ]);
    const throttled = update(
      decide(
        resource({ status: pausedStatus }),
        identity,
        { kind: 'failed', error: error('transient', 'Throttled') },
        settings,
      ),
    );
    expect(withResumed(resource({ status: pausedStatus }), throttled).events.map((e) => e.reason)).toEqual([
      'Resumed',
      'Throttled',
    ]);
    expect(withResumed(resource({ status: resumed.status }), resumed).events).toEqual([]);
    const stillPaused = paused(resource({ status: pausedStatus }), now);
    expect(withResumed(resource({ status: pausedStatus }), stillPaused).events).toEqual([]);
  });

  it('says Resumed on the way out of a pause through a refused value, and on an invalid identity', () => {
    const pausedStatus = paused(annotated({ 'personalize.ops.dev/paused': 'true' }), now).status;
    const refused = invalidAnnotation(
      annotated({ 'personalize.ops.dev/paused': 'yes' }, pausedStatus),
      'must be "true" or "false"',
      now,
    );
    expect(withResumed(resource({ status: pausedStatus }), refused).events.map((e) => e.reason)).toEqual([
      'InvalidAnnotation',
    ]);
    const running = update(
      decide(resource({ status: refused.status }), identity, { kind: 'missing' }, settings, {
        justCreated: true,
      }),
    );
    expect(withResumed(resource({ status: refused.status }), running).events.map((e) => e.reason)).toEqual([
      'Resumed',
      'Created',
    ]);
    const badIdentity = invalidSpec(resource({ status: pausedStatus }), 'no region', now);
    expect(withResumed(resource({ status: pausedStatus }), badIdentity).events.map((e) => e.reason)).toEqual([
      'Resumed',
      'InvalidSpec',
    ]);
  });
});

describe('the reconcile request annotation', () => {
  it('refuses a reconcile request too long to copy into status', () => {
    const long = resource({
      metadata: {
        ...resource().metadata,
        annotations: { 'personalize.ops.dev/reconcile-requested-at': 'x'.repeat(MAX_REQUEST_LENGTH + 1) },
      },
    });
    expect(invalidRequest(long)).toMatch(
      /^metadata\.annotations\[personalize\.ops\.dev\/reconcile-requested-at\] is 257 characters; at most 256/,
    );
    expect(reconcileRequest(long)).toBeUndefined();
    const fine = resource({
      metadata: {
        ...resource().metadata,
        annotations: { 'personalize.ops.dev/reconcile-requested-at': 'now' },
      },
    });
    expect(invalidRequest(fine)).toBeUndefined();
    expect(reconcileRequest(fine)).toBe('now');
  });
});
