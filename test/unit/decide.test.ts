import { describe, expect, it } from 'vitest';
import { ownerTags } from '../../src/api/ownership.js';
import type { DatasetExportJob } from '../../src/api/types.js';
import { createInput } from '../../src/aws/create-input.js';
import { type ClassifiedError, classifyAwsError } from '../../src/aws/errors.js';
import type { Identity, ObservedJob } from '../../src/aws/observation.js';
import {
  invalidAnnotation,
  invalidRequest,
  MAX_REQUEST_LENGTH,
  paused,
  pauseOf,
  reconcileRequest,
  withResumed,
} from '../../src/reconciler/annotations.js';
import { decide, isSettled } from '../../src/reconciler/decide.js';
import { identityOf } from '../../src/reconciler/identity.js';
import { invalidSpec } from '../../src/reconciler/problems.js';
import { needsTagSync, tagPlan, tagsApplied, tagsFailed } from '../../src/reconciler/tags.js';
import { scopeRefusal } from '../../src/reconciler/tenancy.js';
import type { DecideSettings, Update } from '../../src/reconciler/types.js';

const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS';
const now = new Date('2026-11-28T12:00:00Z');
const settings: DecideSettings = { now, pollDelay: (age) => 1000 + age, actionableRetryMs: 300_000 };
const allowed = { adoptionAllowed: true };
/** A job this process created for the resource: polls, and the first status after a lost write. */
const own = { createdHere: true };

function resource(overrides: Partial<DatasetExportJob> = {}): DatasetExportJob {
  return {
    apiVersion: 'personalize.ops.dev/v1alpha1',
    kind: 'DatasetExportJob',
    metadata: {
      name: 'job',
      namespace: 'ml',
      uid: 'uid-1',
      generation: 1,
      creationTimestamp: new Date('2026-11-28T11:00:00Z'),
    },
    spec: {
      datasetArn: DATASET,
      roleArn: 'arn:aws:iam::123456789012:role/r',
      jobOutput: { s3DataDestination: { path: 's3://b/' } },
    },
    ...overrides,
  };
}

const identity = identityOf(resource(), {}) as Identity;
const job = (status: string, extra: Partial<ObservedJob> = {}): ObservedJob => ({
  datasetExportJobArn: identity.arn,
  jobName: identity.jobName,
  datasetArn: DATASET,
  status,
  creationDateTime: new Date('2026-11-28T11:59:00Z'),
  lastUpdatedDateTime: new Date('2026-11-28T11:59:30Z'),
  created: { ingestionMode: 'PUT', roleArn: 'arn:aws:iam::123456789012:role/r', path: 's3://b/' },
  ...extra,
});
const error = (cls: ClassifiedError['class'], reason: string): ClassifiedError => ({
  class: cls,
  reason,
  code: 'SomeException',
  message: 'it went wrong',
  requestId: 'req-1',
});
const update = (d: ReturnType<typeof decide>) => {
  expect(d.kind).toBe('update');
  return d as Update;
};
const cond = (d: Update, type: string) => d.status.conditions?.find((c) => c.type === type);

describe('identityOf', () => {
  it('derives account, region and ARN from the dataset ARN', () => {
    expect(identity).toMatchObject({ region: 'us-east-1', account: '123456789012', partition: 'aws' });
    expect(identity.arn).toBe(
      `arn:aws:personalize:us-east-1:123456789012:dataset-export-job/${identity.jobName}`,
    );
  });
  it('uses spec.jobName when given', () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'mine' } });
    expect((identityOf(named, {}) as Identity).jobName).toBe('mine');
  });
  it('takes the region by precedence and the role from the namespace', () => {
    const noRegion = resource({
      spec: { ...resource().spec, datasetArn: 'arn:aws:personalize::123456789012:dataset/demo/ITEMS' },
    });
    expect(identityOf(noRegion, { namespaceRegion: 'eu-west-1', defaultRegion: 'us-west-2' })).toMatchObject({
      region: 'eu-west-1',
    });
    expect(identityOf(noRegion, { defaultRegion: 'us-west-2' })).toMatchObject({ region: 'us-west-2' });
    expect(identityOf(noRegion, {})).toEqual({ invalid: expect.stringMatching(/^no region/) });
    expect(identityOf(resource(), { namespaceRegion: 'eu-west-1' })).toMatchObject({ region: 'us-east-1' });
    const role = 'arn:aws:iam::210987654321:role/team-a';
    expect(identityOf(resource(), { roleArn: role })).toMatchObject({ roleArn: role });
    expect(identityOf(resource(), { roleArn: 'team-a' })).toEqual({
      invalid: expect.stringMatching(/role-arn is not an IAM role ARN/),
    });
  });

  it('refuses a spec.region that differs from the dataset region', () => {
    const wrong = resource({ spec: { ...resource().spec, region: 'eu-west-1' } });
    expect(identityOf(wrong, {})).toEqual({
      invalid: expect.stringMatching(/spec.region eu-west-1 differs from the dataset's region us-east-1/),
    });
  });
});

describe('decide', () => {
  it('creates when AWS has no job, recording first in status which job it is about to create', () => {
    const d = decide(resource(), identity, { kind: 'missing' }, settings);
    expect(d).toMatchObject({ kind: 'create', identity });
    const record = d.kind === 'create' ? d.record : undefined;
    expect(record).toMatchObject({
      jobName: identity.jobName,
      createRequested: { jobName: identity.jobName, at: '2026-11-28T12:00:00Z' },
    });
    expect(record).not.toHaveProperty('datasetExportJobArn');
    expect(record?.conditions?.find((c) => c.type === 'Synced')).toMatchObject({ reason: 'Creating' });
    // Recorded already (a Create that failed, retried): no second write before the call.
    expect(decide(resource({ status: record }), identity, { kind: 'missing' }, settings)).toEqual({
      kind: 'create',
      identity,
    });
  });

  it('never creates again once an ARN was recorded', () => {
    const seen = resource({ status: { datasetExportJobArn: identity.arn } });
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
      datasetExportJobArn: identity.arn,
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
    const id = identityOf(named, {}) as Identity;
    const d = update(
      decide(
        named,
        id,
        { kind: 'found', job: job('ACTIVE', { jobName: 'legacy', datasetExportJobArn: id.arn }) },
        settings,
        allowed,
      ),
    );
    expect(d.events[0]).toMatchObject({ reason: 'Adopted' });
  });

  it('adopts a job the operator did not create only where adoption is allowed', () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'legacy' } });
    const id = identityOf(named, {}) as Identity;
    const found = {
      kind: 'found',
      job: job('ACTIVE', { jobName: 'legacy', datasetExportJobArn: id.arn }),
    } as const;
    const d = update(decide(named, id, found, settings));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'AdoptionNotAllowed' });
    expect(cond(d, 'Synced')?.message).toMatch(
      /personalize\.ops\.dev\/allow-adoption: "true" on the Namespace, or for all with the operator flag --allow-adoption/,
    );
    expect(d.status.datasetExportJobArn).toBeUndefined();
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
    const id = identityOf(named, {}) as Identity;
    const found = {
      kind: 'found',
      job: job('ACTIVE', { jobName: 'theirs', datasetExportJobArn: id.arn }),
    } as const;
    const elsewhere = { namespace: 'team-a', name: 'export', uid: 'uid-a' };
    const d = update(decide(named, id, found, settings, { owner: elsewhere, adoptionAllowed: true }));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'OwnedByAnotherNamespace' });
    expect(cond(d, 'Synced')?.message).toMatch(
      /^The job theirs belongs to a DatasetExportJob in namespace team-a /,
    );
    expect(d.status).not.toHaveProperty('status');
    expect(d.status).not.toHaveProperty('datasetExportJobArn');
    expect(d.status).not.toHaveProperty('creationDateTime');
    expect(d.requeue).toEqual({ kind: 'none' });
    expect(isSettled(resource({ ...named, status: d.status }))).toBe(true);
    // Tags carrying this resource's own UID prove nothing (forged job, owner tags copied from the resource).
    const mine = { namespace: 'ml', name: 'job', uid: 'uid-1' };
    const forged = update(decide(named, id, found, settings, { owner: mine }));
    expect(cond(forged, 'Synced')?.reason).toBe('AdoptionNotAllowed');
    expect(forged.status.datasetExportJobArn).toBeUndefined();
    // Recorded before its Create (whose answer, or the status write after it, was lost): its own, no opt-in,
    // and no second Created event (the process that created it told it, or is gone).
    const record = { createRequested: { jobName: 'theirs', at: '2026-11-28T11:58:00Z' } };
    const recovered = update(
      decide(resource({ ...named, status: record }), id, found, settings, { owner: mine }),
    );
    expect(recovered.status).toMatchObject({ status: 'ACTIVE', datasetExportJobArn: id.arn });
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
    const id = identityOf(named, {}) as Identity;
    const existing = (created: ObservedJob['created']) =>
      job('ACTIVE', { jobName: 'legacy', datasetExportJobArn: id.arn, created });
    const same = {
      ingestionMode: 'PUT',
      roleArn: named.spec.roleArn,
      path: 's3://b/',
      kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
    };
    const adopted = update(decide(named, id, { kind: 'found', job: existing(same) }, settings, allowed));
    expect(adopted.events[0]).toMatchObject({ reason: 'Adopted' });
    // What AWS leaves out cannot be checked, so it is never taken on trust.
    const partial = update(
      decide(
        named,
        id,
        { kind: 'found', job: existing({ path: 's3://b/', kmsKeyArn: same.kmsKeyArn }) },
        settings,
        allowed,
      ),
    );
    expect(cond(partial, 'Synced')?.message).toMatch(
      /: ingestionMode is not reported by AWS; roleArn is not reported by AWS\. /,
    );
    const summary = update(decide(named, id, { kind: 'found', job: existing(undefined) }, settings, allowed));
    expect(cond(summary, 'Synced')?.reason).toBe('SpecMismatch');

    const other = { ...same, ingestionMode: 'BULK', path: 's3://elsewhere/', kmsKeyArn: undefined };
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
    expect(d.status.datasetExportJobArn).toBeUndefined();
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
    const recorded = resource({ ...named, status: { datasetExportJobArn: id.arn, observedGeneration: 1 } });
    expect(
      cond(update(decide(recorded, id, { kind: 'found', job: existing(other) }, settings)), 'Synced')?.status,
    ).toBe('True');
  });

  it('does not adopt a job another resource manages, and keeps checking in case that one goes', () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'shared' } });
    const id = identityOf(named, {}) as Identity;
    const found = {
      kind: 'found',
      job: job('ACTIVE', { jobName: 'shared', datasetExportJobArn: id.arn }),
    } as const;
    const d = update(decide(named, id, found, settings, { claimedBy: 'ml/first', ...allowed }));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'AlreadyManaged' });
    expect(cond(d, 'Synced')?.message).toMatch(
      /^The job shared is already managed by DatasetExportJob ml\/first: /,
    );
    expect(d.status.datasetExportJobArn).toBeUndefined();
    expect(d.requeue).toEqual({ kind: 'after', ms: settings.actionableRetryMs });
    expect(isSettled(resource({ ...named, status: d.status }))).toBe(false);
    // Once nobody else claims it, it is adopted.
    expect(update(decide(named, id, found, settings, allowed)).events[0]).toMatchObject({
      reason: 'Adopted',
    });
  });

  it('stops for good with NameConflict when the name belongs to another dataset', () => {
    const other = job('ACTIVE', { datasetArn: DATASET.replace('ITEMS', 'USERS') });
    const d = update(decide(resource(), identity, { kind: 'found', job: other }, settings));
    expect(cond(d, 'Synced')).toMatchObject({ status: 'False', reason: 'NameConflict' });
    expect(cond(d, 'Synced')?.message).toMatch(/create a new DatasetExportJob with another spec.jobName/);
    expect(d.requeue).toEqual({ kind: 'none' });
    expect(d.status.datasetExportJobArn).toBeUndefined();
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

describe('isSettled and createInput', () => {
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
          job: job('ACTIVE', { datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/x/USERS' }),
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

  it('sends the spec with PUT made explicit and tags as AWS pairs, with the owner tags', () => {
    const r = resource({ spec: { ...resource().spec, tags: { team: 'ml' } } });
    expect(createInput(r, identity)).toEqual({
      jobName: identity.jobName,
      datasetArn: DATASET,
      ingestionMode: 'PUT',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      jobOutput: { s3DataDestination: { path: 's3://b/' } },
      tags: [
        { tagKey: 'team', tagValue: 'ml' },
        { tagKey: 'personalize.ops.dev/owner-namespace', tagValue: 'ml' },
        { tagKey: 'personalize.ops.dev/owner-name', tagValue: 'job' },
        { tagKey: 'personalize.ops.dev/owner-uid', tagValue: 'uid-1' },
      ],
    });
  });
});

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
    expect(created.status).toMatchObject({ status: 'CREATE PENDING', datasetExportJobArn: identity.arn });
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

describe('tenancy and bounded input', () => {
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

  it('makes no AWS call for a namespace it cannot read, or without the role the operator requires', () => {
    const unreadable = scopeRefusal(resource(), { unreadable: 'HTTP 403 Forbidden' }, false, settings);
    expect(cond(unreadable!, 'Synced')).toMatchObject({ status: 'False', reason: 'NamespaceUnreadable' });
    expect(cond(unreadable!, 'Synced')?.message).toMatch(
      /^Cannot read the namespace ml to learn its AWS role \(personalize\.ops\.dev\/role-arn\): HTTP 403 Forbidden\./,
    );
    const missing = scopeRefusal(resource(), {}, true, settings);
    expect(cond(missing!, 'Synced')).toMatchObject({ status: 'False', reason: 'NoNamespaceRole' });
    expect(
      scopeRefusal(resource(), { roleArn: 'arn:aws:iam::123456789012:role/a' }, true, settings),
    ).toBeUndefined();
    expect(scopeRefusal(resource(), {}, false, settings)).toBeUndefined();
  });
});
