import { describe, expect, it } from 'vitest';
import { ownerTags } from '../../src/api/ownership.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { decide, isSettled } from '../../src/personalize-job/decide.js';
import { needsTagSync, tagPlan, tagsApplied, tagsFailed } from '../../src/personalize-job/tags.js';
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

describe('tags', () => {
  const tagged = (
    specTags?: Record<string, string>,
    statusTags?: Record<string, string>,
    status = 'ACTIVE',
  ) => {
    const base = resource({ spec: { ...resource().spec, ...(specTags ? { tags: specTags } : {}) } });
    const seen = update(decide(base, identity, { kind: 'found', job: job(status) }, settings, own));
    return resource({
      spec: base.spec,
      status: { ...seen.status, ...(statusTags ? { tags: statusTags } : {}) },
    });
  };

  it('plans only what differs: new and changed values set, keys no longer wanted removed', () => {
    expect(tagPlan({ team: 'ml', env: 'prod' }, { team: 'search', owner: 'ana', env: 'prod' })).toEqual({
      set: { team: 'ml' },
      remove: ['owner'],
    });
    expect(tagPlan(undefined, { owner: 'ana' })).toEqual({ set: {}, remove: ['owner'] });
    expect(tagPlan({ a: '' }, {})).toEqual({ set: { a: '' }, remove: [] });
  });

  it("shows a job from Create's answer without timestamps, and adds them with its next status, not alone", () => {
    const r = resource();
    const pending = { ...job('CREATE PENDING'), creationDateTime: undefined, lastUpdatedDateTime: undefined };
    const created = update(
      decide(r, identity, { kind: 'found', job: pending }, settings, { justCreated: true }),
    );
    expect(created.status).toMatchObject({ status: 'CREATE PENDING', jobArn: identity.arn });
    expect(created.status.creationDateTime).toBeUndefined();
    const shown = resource({ status: created.status });
    // Listed later, still CREATE PENDING but with AWS's timestamps: nothing to write yet.
    const same = update(
      decide(shown, identity, { kind: 'found', job: job('CREATE PENDING') }, settings, own),
    );
    expect(same.status).toEqual(created.status);
    const moved = update(
      decide(shown, identity, { kind: 'found', job: job('CREATE IN_PROGRESS') }, settings, own),
    );
    expect(moved.status.creationDateTime).toBeDefined();
    expect(moved.status.lastUpdatedDateTime).toBeDefined();
  });

  it('records the tags Create set, so a new job needs no tag call', () => {
    const r = resource({ spec: { ...resource().spec, tags: { team: 'ml' } } });
    const created = update(decide(r, identity, { kind: 'missing' }, settings, { justCreated: true }));
    expect(created.status.tags).toEqual({ team: 'ml' });
    expect(needsTagSync(r, created)).toBe(false);
    const described = update(
      decide(r, identity, { kind: 'found', job: job('CREATE PENDING') }, settings, { justCreated: true }),
    );
    expect(needsTagSync(r, described)).toBe(false);
  });

  it('syncs when spec.tags differ from what status recorded, and keeps a settled job unsettled until then', () => {
    const edited = tagged({ team: 'search' }, { team: 'ml' });
    const seen = update(decide(edited, identity, { kind: 'found', job: job('ACTIVE') }, settings, own));
    expect(needsTagSync(edited, seen)).toBe(true);
    expect(isSettled(edited)).toBe(false);
    // Never recorded (adopted, or written by an older version) and none wanted: AWS's tags are left alone.
    const untouched = tagged();
    expect(
      needsTagSync(
        untouched,
        update(decide(untouched, identity, { kind: 'found', job: job('ACTIVE') }, settings, own)),
      ),
    ).toBe(false);
    expect(isSettled(untouched)).toBe(true);
    // An error reading the job comes first: no tag call on top of it.
    const throttled = update(
      decide(edited, identity, { kind: 'failed', error: error('transient', 'Throttled') }, settings),
    );
    expect(needsTagSync(edited, throttled)).toBe(false);
  });

  it('records the applied tags and names the changed keys, never the values', () => {
    const edited = tagged({ team: 'search', env: 'prod' }, { team: 'ml', owner: 'ana' });
    const seen = update(decide(edited, identity, { kind: 'found', job: job('ACTIVE') }, settings, own));
    const done = tagsApplied(edited, seen, { set: { team: 'search', env: 'prod' }, remove: ['owner'] });
    expect(done.status.tags).toEqual({ team: 'search', env: 'prod' });
    expect(done.events).toEqual([
      { type: 'Normal', reason: 'TagsUpdated', action: 'Tag', note: 'Tags set env, team; removed owner' },
    ]);
    expect(isSettled(resource({ spec: edited.spec, status: done.status }))).toBe(true);
    expect(tagsApplied(edited, seen, { set: {}, remove: [] }).events).toEqual([]);
  });

  it('shows a failed tag call in Synced, keeps the job mirrored, and retries without repeating the event', () => {
    const edited = tagged({ team: 'search' }, { team: 'ml' }, 'CREATE IN_PROGRESS');
    const later = update(decide(edited, identity, { kind: 'found', job: job('ACTIVE') }, settings, own));
    const denied = tagsFailed(edited, later, error('actionable', 'AccessDenied'), settings);
    expect(denied.status.status).toBe('ACTIVE');
    expect(denied.status.tags).toEqual({ team: 'ml' });
    expect(cond(denied, 'Complete')?.status).toBe('True');
    expect(cond(denied, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'AccessDenied',
      message: 'Could not apply spec.tags: SomeException: it went wrong (request req-1)',
    });
    expect(denied.events.map((e) => e.reason)).toEqual(['StatusChanged', 'AccessDenied']);
    expect(denied.requeue).toEqual({ kind: 'after', ms: settings.actionableRetryMs });
    // A job still running keeps its poll, and the tags are tried again with it.
    const running = update(
      decide(edited, identity, { kind: 'found', job: job('CREATE IN_PROGRESS') }, settings, own),
    );
    expect(tagsFailed(edited, running, error('actionable', 'AccessDenied'), settings).requeue).toEqual(
      running.requeue,
    );
    const stillDenied = resource({ spec: edited.spec, status: denied.status });
    expect(isSettled(stillDenied)).toBe(false);

    const retried = update(
      decide(stillDenied, identity, { kind: 'found', job: job('ACTIVE') }, settings, own),
    );
    const again = tagsFailed(stillDenied, retried, error('actionable', 'AccessDenied'), {
      ...settings,
      now: new Date(now.getTime() + 60_000),
    });
    expect(again.events).toEqual([]);
    expect(cond(again, 'Synced')?.lastTransitionTime).toBe(cond(denied, 'Synced')?.lastTransitionTime);
    // A tag call is about the job: the gateway classifies its errors so (JobBusy, not DatasetNotActive).
    const busy = classifyAwsError(
      Object.assign(new Error('busy'), {
        name: 'ResourceInUseException',
        $metadata: { httpStatusCode: 400 },
      }),
      'job',
    );
    expect(cond(tagsFailed(stillDenied, retried, busy, settings), 'Synced')?.reason).toBe('JobBusy');
    expect(tagsFailed(stillDenied, retried, error('transient', 'Throttled'), settings).requeue).toEqual({
      kind: 'backoff',
    });
  });
});

describe('owner tags', () => {
  it('adds the owner tags to every tag plan and, when only claiming a job, leaves its other tags alone', () => {
    const owner = ownerTags(resource());
    expect(owner).toEqual({
      'personalize.ops.dev/owner-namespace': 'ml',
      'personalize.ops.dev/owner-name': 'job',
      'personalize.ops.dev/owner-uid': 'uid-1',
    });
    expect(tagPlan(undefined, { team: 'x' }, owner, true)).toEqual({ set: owner, remove: [] });
    expect(tagPlan({ team: 'y' }, { team: 'x', ...owner, old: '1' }, owner)).toEqual({
      set: { team: 'y' },
      remove: ['old'],
    });
  });
});
