/**
 * The annotations a person steers a resource with: pause, and re-read on request.
 */

import { PAUSED_ANNOTATION, RECONCILE_REQUESTED_ANNOTATION } from '../api/annotations.js';
import { findCondition } from '../runtime/conditions.js';
import { statusWith, withSynced } from './conditions.js';
import type { Update } from './decision.js';
import type { JobResource, JobStatus } from './job-resource.js';
import { problem } from './problems.js';

/** Longest reconcile-requested-at value honoured: it is copied into status, so it must stay small. */
export const MAX_REQUEST_LENGTH = 256;

/** The pending value of the reconcile-requested-at annotation: set, and not yet echoed in status. */
export function reconcileRequest(obj: JobResource): string | undefined {
  const requested = obj.metadata?.annotations?.[RECONCILE_REQUESTED_ANNOTATION];
  if (requested === undefined || requested.length > MAX_REQUEST_LENGTH) return undefined;
  return requested !== obj.status?.lastHandledReconcileAt ? requested : undefined;
}

/** Why the reconcile-requested-at annotation is refused, when it is. */
export function invalidRequest(obj: JobResource): string | undefined {
  const requested = obj.metadata?.annotations?.[RECONCILE_REQUESTED_ANNOTATION];
  if (requested === undefined || requested.length <= MAX_REQUEST_LENGTH) return undefined;
  return `metadata.annotations[${RECONCILE_REQUESTED_ANNOTATION}] is ${requested.length} characters; at most ${MAX_REQUEST_LENGTH} are allowed (a timestamp is usual). Nothing is done for this resource until it is shorter.`;
}

/**
 * Whether the paused annotation stops the resource. Any value but "true" or "false" stops it too, with an
 * error: a person who wrote "yes" meant to pause, and a Create cannot be taken back.
 */
export function pauseOf(obj: JobResource): 'running' | 'paused' | { invalid: string } {
  const value = obj.metadata?.annotations?.[PAUSED_ANNOTATION];
  if (value === undefined || value === 'false') return 'running';
  if (value === 'true') return 'paused';
  return {
    invalid: `metadata.annotations[${PAUSED_ANNOTATION}] must be "true" or "false", not ${JSON.stringify(value)}; nothing is done for this resource until it is`,
  };
}

/** Synced reasons under which the operator made no AWS call: the resource was paused or its annotation refused. */
export const HALTED = new Set(['Paused', 'InvalidAnnotation']);

/**
 * A paused resource: no AWS call, the job conditions kept, Synced=False saying so. A pending reconcile request
 * stays pending, to be served once resumed.
 */
export function paused(obj: JobResource, now: Date): Update {
  const old = findCondition(obj.status?.conditions, 'Synced');
  const message = `Paused by the annotation ${PAUSED_ANNOTATION}: no AWS calls until it is removed or set to "false"`;
  return {
    kind: 'update',
    status: statusWith(
      obj,
      {},
      withSynced(obj, { type: 'Synced', status: 'False', reason: 'Paused', message }),
      now,
    ),
    events:
      old?.reason === 'Paused' ? [] : [{ type: 'Normal', reason: 'Paused', action: 'Pause', note: message }],
    requeue: { kind: 'none' },
  };
}

/**
 * The first update after a halt (a pause, or an annotation refused, such as a malformed pause) was lifted says
 * so, whatever comes next: the way out of a pause through a refused value ends in Resumed too.
 */
export function withResumed(obj: JobResource, update: Update): Update {
  const before = findCondition(obj.status?.conditions, 'Synced')?.reason ?? '';
  const after = findCondition(update.status.conditions, 'Synced')?.reason ?? '';
  if (!HALTED.has(before) || HALTED.has(after)) return update;
  const note =
    before === 'Paused'
      ? `The annotation ${PAUSED_ANNOTATION} was lifted: AWS calls resume`
      : 'The refused annotation was corrected: AWS calls resume';
  return {
    ...update,
    events: [{ type: 'Normal', reason: 'Resumed', action: 'Resume', note }, ...update.events],
  };
}

export function invalidAnnotation(obj: JobResource, message: string, now: Date): Update {
  return problem(obj, {}, 'InvalidAnnotation', message, { kind: 'none' }, now);
}

/** A reconcile request counts as handled only once AWS answered (a failed call keeps it pending, and retried). */
export const handled = (obj: JobResource): Partial<JobStatus> => {
  const requested = reconcileRequest(obj);
  return requested === undefined ? {} : { lastHandledReconcileAt: requested };
};
