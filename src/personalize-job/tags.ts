/**
 * spec.tags, the one field that can change: the job's tags in AWS are made exactly spec.tags (plus the owner
 * tags). status.tags records what the operator last set or read, so tags are read from AWS only when the two
 * differ (after an edit, an adoption, or an upgrade), never on every poll. This module owns the step whole: the
 * decision whether and what to change (pure) and the calls that read and change the tags.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { isOwnerTag, ownerTags } from '../api/ownership.js';
import type { ClassifiedError } from '../aws/errors.js';
import { findCondition, mergeConditions } from '../runtime/conditions.js';
import type { Result } from '../runtime/reconcile.js';
import { withProgress } from './conditions.js';
import type { DecideSettings, Update } from './decision.js';
import type { JobApi } from './job-api.js';
import type { JobResource } from './job-resource.js';
import type { Identity, TagPlan, Tags } from './observation.js';
import { errorMessage, repeatedProblem, retryAfter } from './problems.js';

/** An update for a job that exists and was read without error, whose tags the spec wants changed. */
export function needsTagSync(obj: JobResource, update: Update): boolean {
  const { status } = update;
  return (
    status.status !== undefined &&
    findCondition(status.conditions, 'Synced')?.status === 'True' &&
    !tagsInSync({ ...obj, status })
  );
}

/**
 * The calls that turn the tags AWS has into spec.tags plus the operator's owner tags. With `keepOthers`
 * (only the owner is being recorded, spec.tags having nothing to say) the job's other tags stay.
 */
export function tagPlan(
  desired: Tags | undefined,
  actual: Tags,
  owner: Tags = {},
  keepOthers = false,
): TagPlan {
  const want = { ...desired, ...owner };
  return {
    set: Object.fromEntries(Object.entries(want).filter(([key, value]) => actual[key] !== value)),
    remove: keepOthers ? [] : Object.keys(actual).filter((key) => !(key in want)),
  };
}

/** The update once AWS has spec.tags: status records them, and an event says what changed. */
export function tagsApplied(obj: JobResource, update: Update, plan: TagPlan): Update {
  // The owner tags are the operator's bookkeeping; the Adopted or Created event already tells of them.
  const set = Object.keys(plan.set)
    .filter((key) => !isOwnerTag(key))
    .sort();
  // Keys only: AWS treats tag values as sensitive, and the spec shows them to whoever may read them.
  const note = [
    set.length ? `set ${set.join(', ')}` : '',
    plan.remove.length ? `removed ${[...plan.remove].sort().join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    ...update,
    status: { ...update.status, tags: { ...(obj.spec.tags ?? {}) } },
    events: note
      ? [...update.events, { type: 'Normal', reason: 'TagsUpdated', action: 'Tag', note: `Tags ${note}` }]
      : update.events,
  };
}

/**
 * The update when reading or changing tags failed: the job's status is still mirrored, Synced says what
 * failed, status.tags stays as it was so the next reconcile tries again.
 */
export function tagsFailed(
  obj: JobResource,
  update: Update,
  error: ClassifiedError,
  settings: DecideSettings,
): Update {
  const { reason } = error;
  const kept = repeatedProblem(obj, reason, `Could not apply spec.tags: ${errorMessage(error)}`);
  const message = kept ?? `Could not apply spec.tags: ${errorMessage(error)}`;
  const repeated = kept !== undefined;
  const desired = (update.status.conditions ?? []).map((c) =>
    c.type === 'Synced'
      ? { type: c.type, status: 'False' as const, reason, message }
      : { type: c.type, status: c.status, reason: c.reason, message: c.message },
  );
  return {
    kind: 'update',
    status: {
      ...update.status,
      tags: obj.status?.tags,
      conditions: mergeConditions(
        obj.status?.conditions,
        withProgress(desired, error.class === 'transient'),
        obj.metadata?.generation,
        settings.now,
      ),
    },
    events: repeated
      ? update.events
      : [...update.events, { type: 'Warning', reason, action: 'Tag', note: message }],
    requeue: soonest(update.requeue, retryAfter(error, settings)),
  };
}

/** A running job keeps its poll; the tags are tried again with it. */
function soonest(a: Result, b: Result): Result {
  if (a.kind === 'backoff' || b.kind === 'backoff') return { kind: 'backoff' };
  if (a.kind === 'none') return b;
  if (b.kind === 'none') return a;
  return { kind: 'after', ms: Math.min(a.ms, b.ms) };
}

/** Whether AWS already has spec.tags, as far as status.tags knows; no tags on either side is in sync. */
export function tagsInSync(obj: JobResource): boolean {
  return isDeepStrictEqual(obj.spec.tags ?? {}, obj.status?.tags ?? {});
}

/**
 * Makes the job's tags in AWS spec.tags and the owner tags: reads them (unless `known`), then changes only what
 * differs, and returns `update` with the outcome (status.tags and an event, or the failure in Synced).
 */
export async function syncTags(
  api: Pick<JobApi, 'tags' | 'retag'>,
  obj: JobResource,
  identity: Identity,
  update: Update,
  known: Tags | undefined,
  settings: DecideSettings,
  log: Logger,
): Promise<Update> {
  let actual = known;
  if (!actual) {
    const read = await api.tags(identity, log);
    if (read.kind === 'failed') return tagsFailed(obj, update, read.error, settings);
    actual = read.tags;
  }
  const plan = tagPlan(obj.spec.tags, actual, ownerTags(obj), !needsTagSync(obj, update));
  const applied = await api.retag(identity, plan, log);
  if (applied.kind === 'failed') return tagsFailed(obj, update, applied.error, settings);
  return tagsApplied(obj, update, plan);
}
