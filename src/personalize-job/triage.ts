/**
 * What a resource needs before anything is asked of AWS: nothing (deleted, or settled), a halt (paused, or an
 * annotation refused), or a reconcile. Pure, so every branch is tested without servers.
 */

import { invalidAnnotation, invalidRequest, paused, pauseOf } from './annotations.js';
import { withProgressAdded } from './conditions.js';
import { isSettled } from './decide.js';
import type { Update } from './decision.js';
import type { JobResource } from './job-resource.js';

export type Triage = { kind: 'skip' } | { kind: 'proceed' } | Update;

export function triage(obj: JobResource, now: Date): Triage {
  // No finalizer: a resource being deleted needs nothing, and its job stays in AWS.
  if (obj.metadata?.deletionTimestamp) return { kind: 'skip' };
  const pause = pauseOf(obj);
  if (pause === 'paused') return paused(obj, now);
  if (pause !== 'running') return invalidAnnotation(obj, pause.invalid, now);
  const refused = invalidRequest(obj);
  if (refused) return invalidAnnotation(obj, refused, now);
  // Finished resources written before Reconciling/Stalled existed gain them, with no AWS call.
  if (isSettled(obj)) return withProgressAdded(obj, now) ?? { kind: 'skip' };
  return { kind: 'proceed' };
}
