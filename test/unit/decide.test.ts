import { describe, expect, it } from 'vitest';
import { exportJob } from '../../src/kinds/dataset-export-job/job.js';
import { decide, isSettled } from '../../src/personalize-job/decide.js';
import { identityOf } from '../../src/personalize-job/identity.js';
import type { Identity, ObservedJob } from '../../src/personalize-job/observation.js';
import {
  allowed,
  cond,
  DATASET,
  error,
  identity,
  job,
  now,
  own,
  resource,
  settings,
  update,
} from '../support/decide-fixtures.js';

describe('decide', () => {
  it('creates when AWS has no job, recording first in status which job it is about to create', () => {
    const d = decide(resource(), identity, { kind: 'missing' }, settings);
    expect(d).toMatchObject({ kind: 'create', identity });
    const record = d.kind === 'create' ? d.record : undefined;
    expect(record).toMatchObject({
      jobName: identity.jobName,
      createRequested: { jobName: identity.jobName, at: '2026-11-28T12:00:00Z' },
    });
    expect(record).not.toHaveProperty('jobArn');
    expect(record?.conditions?.find((c) => c.type === 'Synced')).toMatchObject({ reason: 'Creating' });
    // Recorded already (a Create that failed, retried): no second write before the call.
    expect(decide(resource({ status: record }), identity, { kind: 'missing' }, settings)).toEqual({
      kind: 'create',
      identity,
    });
  });

  it('never creates again once an ARN was recorded', () => {
    const seen = resource({ status: { jobArn: identity.arn } });
    const d = update(decide(seen, identity, { kind: 'missing' }, settings));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'JobMissing' });
    expect(d.requeue).toEqual({ kind: 'after', ms: 300_000 });
  });

  it('mirrors a pending job, polls it, and reports Created once', () => {
    const d = update(
      decide(resource(), identity, { kind: 'found', job: job('CREATE PENDING') }, settings, {
        justCreated: true,
      }),
    );
    expect(d.status).toMatchObject({
      status: 'CREATE PENDING',
      jobArn: identity.arn,
      jobName: identity.jobName,
      observedGeneration: 1,
      creationDateTime: '2026-11-28T11:59:00Z',
      lastUpdatedDateTime: '2026-11-28T11:59:30Z',
    });
    expect(cond(d, 'Ready')).toMatchObject({ status: 'False', reason: 'CreatePending' });
    expect(cond(d, 'Synced')).toMatchObject({ status: 'True' });
    expect(d.events.map((e) => `${e.reason}: ${e.note}`)).toEqual([
      expect.stringMatching(/^Created: Created arn:\S+ \(CREATE PENDING\)$/),
    ]);
    expect(d.requeue).toEqual({ kind: 'after', ms: 1000 + 60_000 });
  });

  it('marks ACTIVE Ready and Complete and stops polling', () => {
    const d = update(decide(resource(), identity, { kind: 'found', job: job('ACTIVE') }, settings, own));
    expect([cond(d, 'Ready')?.status, cond(d, 'Complete')?.status, cond(d, 'Failed')?.status]).toEqual([
      'True',
      'True',
      'False',
    ]);
    expect(d.requeue).toEqual({ kind: 'none' });
  });

  it('marks CREATE FAILED Failed with the reason and never Ready', () => {
    const d = update(
      decide(
        resource(),
        identity,
        { kind: 'found', job: job('CREATE FAILED', { failureReason: 'no access' }) },
        settings,
        own,
      ),
    );
    expect(cond(d, 'Failed')).toMatchObject({ status: 'True', reason: 'CreateFailed', message: 'no access' });
    expect(cond(d, 'Ready')).toMatchObject({ status: 'False', message: 'no access' });
    expect(cond(d, 'Complete')?.status).toBe('False');
    expect(d.events.map((e) => e.reason)).toEqual(['Created', 'CreateFailed']);
    expect(d.events.at(-1)).toMatchObject({ type: 'Warning' });
    expect(d.requeue).toEqual({ kind: 'none' });
  });

  it('keeps lastTransitionTime and emits nothing when a poll sees no change', () => {
    const first = update(
      decide(resource(), identity, { kind: 'found', job: job('CREATE IN_PROGRESS') }, settings, own),
    );
    const polled = resource({ status: first.status });
    const later = { ...settings, now: new Date(now.getTime() + 60_000) };
    const again = update(
      decide(polled, identity, { kind: 'found', job: job('CREATE IN_PROGRESS') }, later, own),
    );
    expect(again.status).toEqual(first.status);
    expect(again.events).toEqual([]);
  });

  it('moves lastTransitionTime only for conditions whose status changed', () => {
    const running = update(
      decide(resource(), identity, { kind: 'found', job: job('CREATE IN_PROGRESS') }, settings, own),
    );
    const later = { ...settings, now: new Date(now.getTime() + 60_000) };
    const done = update(
      decide(
        resource({ status: running.status }),
        identity,
        { kind: 'found', job: job('ACTIVE') },
        later,
        own,
      ),
    );
    expect(cond(done, 'Ready')?.lastTransitionTime).toBe('2026-11-28T12:01:00Z');
    expect(cond(done, 'Failed')?.lastTransitionTime).toBe('2026-11-28T12:00:00Z');
    expect(cond(done, 'Failed')?.reason).toBe('Active');
  });

  it('adopts a job under a chosen name that it did not create', () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'legacy' } });
    const id = identityOf(exportJob, named, {}) as Identity;
    const d = update(
      decide(
        named,
        id,
        { kind: 'found', job: job('ACTIVE', { jobName: 'legacy', arn: id.arn }) },
        settings,
        allowed,
      ),
    );
    expect(d.events[0]).toMatchObject({ reason: 'Adopted' });
  });

  it('adopts a job the operator did not create only where adoption is allowed', () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'legacy' } });
    const id = identityOf(exportJob, named, {}) as Identity;
    const found = {
      kind: 'found',
      job: job('ACTIVE', { jobName: 'legacy', arn: id.arn }),
    } as const;
    const d = update(decide(named, id, found, settings));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'AdoptionNotAllowed' });
    expect(cond(d, 'Synced')?.message).toMatch(
      /personalize\.ops\.dev\/allow-adoption: "true" on the Namespace, or for all with the operator flag --allow-adoption/,
    );
    expect(d.status.jobArn).toBeUndefined();
    expect(d.status.status).toBeUndefined();
    expect(d.requeue).toEqual({ kind: 'after', ms: settings.actionableRetryMs });
    expect(cond(d, 'Stalled')?.status).toBe('True');
    // Owner tags naming this namespace (a deleted sibling's, or forged by anyone allowed to tag) are no proof.
    const sibling = { namespace: 'ml', name: 'gone', uid: 'uid-0' };
    expect(cond(update(decide(named, id, found, settings, { owner: sibling })), 'Synced')?.reason).toBe(
      'AdoptionNotAllowed',
    );
  });

  it("never adopts or reads out another namespace's job, and knows its own by its record, not by its tags", () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'theirs' } });
    const id = identityOf(exportJob, named, {}) as Identity;
    const found = {
      kind: 'found',
      job: job('ACTIVE', { jobName: 'theirs', arn: id.arn }),
    } as const;
    const elsewhere = { namespace: 'team-a', name: 'export', uid: 'uid-a' };
    const d = update(decide(named, id, found, settings, { owner: elsewhere, adoptionAllowed: true }));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'OwnedByAnotherNamespace' });
    expect(cond(d, 'Synced')?.message).toMatch(
      /^The job theirs belongs to a DatasetExportJob in namespace team-a /,
    );
    expect(d.status).not.toHaveProperty('status');
    expect(d.status).not.toHaveProperty('jobArn');
    expect(d.status).not.toHaveProperty('creationDateTime');
    expect(d.requeue).toEqual({ kind: 'none' });
    expect(isSettled(resource({ ...named, status: d.status }))).toBe(true);
    // Tags carrying this resource's own UID prove nothing (forged job, owner tags copied from the resource).
    const mine = { namespace: 'ml', name: 'job', uid: 'uid-1' };
    const forged = update(decide(named, id, found, settings, { owner: mine }));
    expect(cond(forged, 'Synced')?.reason).toBe('AdoptionNotAllowed');
    expect(forged.status.jobArn).toBeUndefined();
    // Recorded before its Create (whose answer, or the status write after it, was lost): its own, no opt-in,
    // and no second Created event (the process that created it told it, or is gone).
    const record = { createRequested: { jobName: 'theirs', at: '2026-11-28T11:58:00Z' } };
    const recovered = update(
      decide(resource({ ...named, status: record }), id, found, settings, { owner: mine }),
    );
    expect(recovered.status).toMatchObject({ status: 'ACTIVE', jobArn: id.arn });
    expect(recovered.events.map((e) => e.reason)).toEqual(['StatusChanged']);
  });

  it('adopts only a job created with what the spec says, and stops for good with SpecMismatch otherwise', () => {
    const named = resource({
      spec: {
        ...resource().spec,
        jobName: 'legacy',
        jobOutput: {
          s3DataDestination: { path: 's3://b/', kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k' },
        },
      },
    });
    const id = identityOf(exportJob, named, {}) as Identity;
    const existing = (created: ObservedJob['created']) =>
      job('ACTIVE', { jobName: 'legacy', arn: id.arn, created });
    const same = {
      ingestionMode: 'PUT',
      roleArn: named.spec.roleArn,
      'jobOutput.s3DataDestination.path': 's3://b/',
      'jobOutput.s3DataDestination.kmsKeyArn': 'arn:aws:kms:us-east-1:123456789012:key/k',
    };
    const adopted = update(decide(named, id, { kind: 'found', job: existing(same) }, settings, allowed));
    expect(adopted.events[0]).toMatchObject({ reason: 'Adopted' });
    // What AWS leaves out cannot be checked, so it is never taken on trust.
    const partial = update(
      decide(
        named,
        id,
        {
          kind: 'found',
          job: existing({
            'jobOutput.s3DataDestination.path': 's3://b/',
            'jobOutput.s3DataDestination.kmsKeyArn': same['jobOutput.s3DataDestination.kmsKeyArn'],
          }),
        },
        settings,
        allowed,
      ),
    );
    expect(cond(partial, 'Synced')?.message).toMatch(
      /: ingestionMode is not reported by AWS; roleArn is not reported by AWS\. /,
    );
    const summary = update(decide(named, id, { kind: 'found', job: existing(undefined) }, settings, allowed));
    expect(cond(summary, 'Synced')?.reason).toBe('SpecMismatch');

    const other = {
      ...same,
      ingestionMode: 'BULK',
      'jobOutput.s3DataDestination.path': 's3://elsewhere/',
      'jobOutput.s3DataDestination.kmsKeyArn': undefined,
    };
    const d = update(decide(named, id, { kind: 'found', job: existing(other) }, settings, allowed));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'SpecMismatch' });
    expect(cond(d, 'Synced')?.message).toBe(
      'The job legacy already exists with other settings: ingestionMode is BULK, the spec says PUT; ' +
        'jobOutput.s3DataDestination.path is s3://elsewhere/, the spec says s3://b/; ' +
        'jobOutput.s3DataDestination.kmsKeyArn is not set, the spec says arn:aws:kms:us-east-1:123456789012:key/k. ' +
        'An export job cannot change and its name cannot be reused: to adopt it, create a DatasetExportJob whose spec matches it (`personalize-operator import` writes one); to export again, choose another spec.jobName or omit it.',
    );
    expect(d.events).toMatchObject([{ type: 'Warning', reason: 'SpecMismatch' }]);
    expect(d.requeue).toEqual({ kind: 'none' });
    expect(d.status.jobArn).toBeUndefined();
    expect(isSettled(resource({ ...named, status: d.status }))).toBe(true);

    // A forged job under the name this resource recorded, carrying its own owner tags and UID, with another
    // path: SpecMismatch, whatever the tags say, and nothing of it shown as this resource's.
    const record = { createRequested: { jobName: 'legacy', at: '2026-11-28T11:58:00Z' } };
    const forged = update(
      decide(resource({ ...named, status: record }), id, { kind: 'found', job: existing(other) }, settings, {
        owner: { namespace: 'ml', name: 'job', uid: 'uid-1' },
      }),
    );
    expect(cond(forged, 'Synced')).toMatchObject({ status: 'False', reason: 'SpecMismatch' });
    expect(forged.status.status).toBeUndefined();
    expect(forged.events[0]?.note).toMatch(/path is s3:\/\/elsewhere\/, the spec says s3:\/\/b\//);

    // Its own job (just created, or recorded before) is never questioned.
    expect(
      update(decide(named, id, { kind: 'found', job: existing(other) }, settings, { justCreated: true }))
        .events[0],
    ).toMatchObject({
      reason: 'Created',
    });
    const recorded = resource({ ...named, status: { jobArn: id.arn, observedGeneration: 1 } });
    expect(
      cond(update(decide(recorded, id, { kind: 'found', job: existing(other) }, settings)), 'Synced')?.status,
    ).toBe('True');
  });

  it('does not adopt a job another resource manages, and keeps checking in case that one goes', () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'shared' } });
    const id = identityOf(exportJob, named, {}) as Identity;
    const found = {
      kind: 'found',
      job: job('ACTIVE', { jobName: 'shared', arn: id.arn }),
    } as const;
    const d = update(decide(named, id, found, settings, { claimedBy: 'ml/first', ...allowed }));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'AlreadyManaged' });
    expect(cond(d, 'Synced')?.message).toMatch(
      /^The job shared is already managed by DatasetExportJob ml\/first: /,
    );
    expect(d.status.jobArn).toBeUndefined();
    expect(d.requeue).toEqual({ kind: 'after', ms: settings.actionableRetryMs });
    expect(isSettled(resource({ ...named, status: d.status }))).toBe(false);
    // Once nobody else claims it, it is adopted.
    expect(update(decide(named, id, found, settings, allowed)).events[0]).toMatchObject({
      reason: 'Adopted',
    });
  });

  it('stops for good with NameConflict when the name belongs to another dataset', () => {
    const other = job('ACTIVE', { parentArn: DATASET.replace('ITEMS', 'USERS') });
    const d = update(decide(resource(), identity, { kind: 'found', job: other }, settings));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'NameConflict' });
    expect(cond(d, 'Synced')?.message).toMatch(/create a new DatasetExportJob with another spec.jobName/);
    expect(d.requeue).toEqual({ kind: 'none' });
    expect(d.status.jobArn).toBeUndefined();
  });

  it('backs off on transient errors and retries actionable ones slowly, with the AWS message', () => {
    const t = update(
      decide(resource(), identity, { kind: 'failed', error: error('transient', 'Throttled') }, settings),
    );
    expect(t.requeue).toEqual({ kind: 'backoff' });
    expect(cond(t, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'Throttled',
      message: 'SomeException: it went wrong (request req-1)',
    });
    const a = update(
      decide(resource(), identity, { kind: 'failed', error: error('actionable', 'AccessDenied') }, settings),
    );
    expect(a.requeue).toEqual({ kind: 'after', ms: 300_000 });
    expect(cond(a, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NotCreated' });
  });

  it('emits an error event once, not on every retry', () => {
    const first = update(
      decide(resource(), identity, { kind: 'failed', error: error('transient', 'Throttled') }, settings),
    );
    expect(first.events).toHaveLength(1);
    const second = update(
      decide(
        resource({ status: first.status }),
        identity,
        { kind: 'failed', error: error('transient', 'Throttled') },
        settings,
      ),
    );
    expect(second.events).toEqual([]);
  });

  it('keeps the job conditions while an error is shown', () => {
    const running = update(
      decide(resource(), identity, { kind: 'found', job: job('CREATE IN_PROGRESS') }, settings, own),
    );
    const d = update(
      decide(
        resource({ status: running.status }),
        identity,
        { kind: 'failed', error: error('transient', 'AWSUnavailable') },
        settings,
      ),
    );
    expect(d.status.status).toBe('CREATE IN_PROGRESS');
    expect(cond(d, 'Ready')).toMatchObject({ status: 'False', reason: 'CreateInProgress' });
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'AWSUnavailable' });
  });
});

describe('isSettled', () => {
  it('is settled for a terminal status or a name conflict of the current generation', () => {
    expect(isSettled(resource({ status: { status: 'ACTIVE', observedGeneration: 1 } }))).toBe(true);
    expect(isSettled(resource({ status: { status: 'CREATE FAILED', observedGeneration: 1 } }))).toBe(true);
    expect(isSettled(resource({ status: { status: 'CREATE IN_PROGRESS', observedGeneration: 1 } }))).toBe(
      false,
    );
    expect(isSettled(resource({ status: { status: 'ACTIVE', observedGeneration: 0 } }))).toBe(false);
    const conflict = update(
      decide(
        resource(),
        identity,
        {
          kind: 'found',
          job: job('ACTIVE', { parentArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/x/USERS' }),
        },
        settings,
      ),
    );
    expect(isSettled(resource({ status: conflict.status }))).toBe(true);
  });
  it('unsettles a finished job on a new reconcile request, and settles again once AWS answered it', () => {
    const finished = update(
      decide(resource(), identity, { kind: 'found', job: job('ACTIVE') }, settings, own),
    );
    const requested = (value: string, status = finished.status) =>
      resource({
        metadata: {
          ...resource().metadata,
          annotations: { 'personalize.ops.dev/reconcile-requested-at': value },
        },
        status,
      });
    expect(isSettled(resource({ status: finished.status }))).toBe(true);
    expect(isSettled(requested('2026-11-28T13:00:00Z'))).toBe(false);

    // AWS answered: the request is echoed, nothing else changes, no event.
    const answered = update(
      decide(
        requested('2026-11-28T13:00:00Z'),
        identity,
        { kind: 'found', job: job('ACTIVE') },
        settings,
        own,
      ),
    );
    expect(answered.status).toEqual({ ...finished.status, lastHandledReconcileAt: '2026-11-28T13:00:00Z' });
    expect(answered.events).toEqual([]);
    expect(isSettled(requested('2026-11-28T13:00:00Z', answered.status))).toBe(true);
    // A later request with another value unsettles it again.
    expect(isSettled(requested('2026-11-28T14:00:00Z', answered.status))).toBe(false);

    // A failed call leaves the request pending, so it is retried.
    const failed = update(
      decide(
        requested('2026-11-28T13:00:00Z'),
        identity,
        { kind: 'failed', error: error('transient', 'Throttled') },
        settings,
      ),
    );
    expect(failed.status.lastHandledReconcileAt).toBeUndefined();
    expect(failed.requeue).toEqual({ kind: 'backoff' });
    expect(isSettled(requested('2026-11-28T13:00:00Z', failed.status))).toBe(false);
  });
});
