/**
 * What the resource shows when something is wrong: Synced=False with a reason and message, one event per
 * new problem, and when to try again.
 */

import type { ClassifiedError } from '../aws/errors.js';
import { type DesiredCondition, findCondition } from '../runtime/conditions.js';
import type { Result } from '../runtime/reconcile.js';
import { statusWith, withSynced } from './conditions.js';
import type { DecideSettings, Update } from './decision.js';
import type { JobResource, JobStatus } from './job-resource.js';
import type { Identity } from './observation.js';

/** Warning event and Synced=False for a problem, emitted only when the reason or message is new. */
export function problem(
  obj: JobResource,
  identity: Partial<Identity>,
  reason: string,
  message: string,
  requeue: Result,
  now: Date,
  clearsByItself = false,
): Update {
  const kept = repeatedProblem(obj, reason, message);
  const synced: DesiredCondition = { type: 'Synced', status: 'False', reason, message: kept ?? message };
  const repeated = kept !== undefined;
  const fields: Partial<JobStatus> = {
    ...(identity.jobName ? { jobName: identity.jobName } : {}),
    ...(identity.region ? { region: identity.region } : {}),
  };
  return {
    kind: 'update',
    status: statusWith(obj, fields, withSynced(obj, synced), now, clearsByItself),
    events: repeated ? [] : [{ type: 'Warning', reason, action: 'Reconcile', note: message }],
    requeue,
  };
}

export function invalidSpec(obj: JobResource, message: string, now: Date): Update {
  return problem(obj, {}, 'InvalidSpec', message, { kind: 'none' }, now);
}

/** AWS's error as a condition message: code, message and the request ID to quote to AWS support. */
export const errorMessage = (error: ClassifiedError) =>
  `${error.code}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`;

const withoutRequestId = (message: string) => message.replace(/ \(request [^)]*\)$/, '');

/**
 * The Synced message already shown when the same problem is back, differing at most in AWS's request ID:
 * kept as it is, so a retry of one error writes no status and records no second event.
 */
export function repeatedProblem(obj: JobResource, reason: string, message: string): string | undefined {
  const old = findCondition(obj.status?.conditions, 'Synced');
  const same =
    old?.status === 'False' &&
    old.reason === reason &&
    withoutRequestId(old.message) === withoutRequestId(message);
  return same ? old.message : undefined;
}

/** Transient failures back off; those that need a person are retried slowly. */
export const retryAfter = (error: ClassifiedError, settings: DecideSettings): Result =>
  error.class === 'transient' ? { kind: 'backoff' } : { kind: 'after', ms: settings.actionableRetryMs };
