/**
 * What to do next for a resource, from its spec and status and what AWS said: a pure function.
 */

import { findCondition } from '../runtime/conditions.js';
import type { EventSpec } from '../runtime/reconcile.js';
import { createRecorded, SETTLING_CONFLICTS, takingUp } from './adoption.js';
import { HALTED, handled, reconcileRequest } from './annotations.js';
import { jobConditions, statusWith, withSynced } from './conditions.js';
import type { DecideContext, DecideSettings, Decision } from './decision.js';
import type { JobResource, JobSpec } from './job-resource.js';
import type { Identity, Observation } from './observation.js';
import { errorMessage, problem, retryAfter } from './problems.js';
import { CREATE_FAILED, TERMINAL } from './statuses.js';
import { tagsInSync } from './tags.js';

/** An update that records the job's ARN with Synced=True: the resource now manages the job. */
export function recordsJob(decision: Decision): boolean {
  return (
    decision.kind === 'update' &&
    decision.status.jobArn !== undefined &&
    findCondition(decision.status.conditions, 'Synced')?.status === 'True'
  );
}

/**
 * The resource needs no AWS call: for the current spec its job reached a final state, or its name belongs to
 * another dataset's job (the spec cannot change, so nothing can make progress), and no re-read is requested.
 * A resource last seen paused is not settled: once resumed, it reads AWS again.
 */
export function isSettled(obj: JobResource): boolean {
  const status = obj.status;
  if (status?.observedGeneration !== obj.metadata?.generation) return false;
  if (reconcileRequest(obj) !== undefined) return false;
  if (HALTED.has(findCondition(status?.conditions, 'Synced')?.reason ?? '')) return false;
  if (status?.jobArn !== undefined && !tagsInSync(obj)) return false;
  const terminal = !!status?.status && TERMINAL.has(status.status);
  return terminal || SETTLING_CONFLICTS.has(findCondition(status?.conditions, 'Synced')?.reason ?? '');
}

const iso = (d: Date | undefined) => d?.toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * What to do next, from the resource, its identity, what AWS said and the context: a pure function, so every
 * branch is tested without servers.
 */
export function decide<S extends JobSpec>(
  obj: JobResource<S>,
  identity: Identity,
  observation: Observation,
  settings: DecideSettings<S>,
  context: DecideContext = {},
): Decision {
  const { justCreated = false, createdHere = false } = context;
  const { now } = settings;
  switch (observation.kind) {
    case 'failed': {
      const { error } = observation;
      const clearsByItself = error.class === 'transient';
      const retry = retryAfter(error, settings);
      return problem(obj, identity, error.reason, errorMessage(error), retry, now, clearsByItself);
    }
    case 'missing': {
      if (justCreated) {
        // Create succeeded but Describe does not see the job yet (eventual consistency): look again soon.
        return {
          kind: 'update',
          status: statusWith(
            obj,
            {
              jobArn: identity.arn,
              jobName: identity.jobName,
              region: identity.region,
              tags: obj.spec.tags,
              ...handled(obj),
            },
            withSynced(obj, {
              type: 'Synced',
              status: 'True',
              reason: 'Creating',
              message: `${settings.kind.operations.create} succeeded`,
            }),
            now,
          ),
          events: [{ type: 'Normal', reason: 'Created', action: 'Create', note: `Created ${identity.arn}` }],
          requeue: { kind: 'after', ms: settings.pollDelay(0) },
        };
      }
      if (obj.status?.jobArn) {
        return problem(
          obj,
          identity,
          'JobMissing',
          `${obj.status.jobArn} was seen before but ${settings.kind.operations.describe} no longer finds it; not creating it again`,
          { kind: 'after', ms: settings.actionableRetryMs },
          now,
        );
      }
      if (createRecorded(obj, identity.jobName)) return { kind: 'create', identity };
      // Recorded before the call: after a crash or a lost answer, this record (not the job's tags, which
      // anyone may set) is what makes the job this resource's own.
      const record = statusWith(
        obj,
        {
          jobName: identity.jobName,
          region: identity.region,
          createRequested: { jobName: identity.jobName, at: iso(now)! },
        },
        withSynced(obj, {
          type: 'Synced',
          status: 'True',
          reason: 'Creating',
          message: `Creating ${identity.jobName} in AWS`,
        }),
        now,
      );
      return { kind: 'create', identity, record };
    }
    case 'found': {
      const { job } = observation;
      const takeUp = takingUp(obj, identity, job, settings, context);
      if (takeUp.kind === 'update') return takeUp;
      const { adopted } = takeUp;
      const events: EventSpec[] = [];
      // `Created` is told by the one process whose Create AWS accepted, once: a job found after an
      // AlreadyExists answer or a restart (however it is known as this resource's) is told by its status.
      const created = (justCreated || createdHere) && !adopted;
      if (!obj.status?.jobArn && (adopted || created)) {
        events.push(
          adopted
            ? {
                type: 'Normal',
                reason: 'Adopted',
                action: 'Adopt',
                note: `Adopted existing job ${job.arn}`,
              }
            : {
                type: 'Normal',
                reason: 'Created',
                action: 'Create',
                note: `Created ${job.arn} (${job.status})`,
              },
        );
      }
      // A new job's first status is told in its Created event: one event fewer per job for the API server
      // (a failure still gets its own Warning).
      const toldInCreated = created && !obj.status?.jobArn && job.status !== CREATE_FAILED;
      if (obj.status?.status !== job.status && !toldInCreated) {
        const from = obj.status?.status ?? 'nothing';
        events.push({
          type: job.status === CREATE_FAILED ? 'Warning' : 'Normal',
          reason: job.status === CREATE_FAILED ? 'CreateFailed' : 'StatusChanged',
          action: 'Observe',
          note: `${from} → ${job.status}${job.failureReason ? `: ${job.failureReason}` : ''}`,
        });
      }
      const terminal = TERMINAL.has(job.status);
      // Timestamps ride with a transition: a job first shown from Create's answer (no timestamps yet) gets
      // them with its next status, not in a status write of their own.
      const showTimes =
        obj.status?.status !== job.status ||
        obj.status?.failureReason !== job.failureReason ||
        obj.status?.creationDateTime !== undefined;
      const times = showTimes
        ? { creationDateTime: iso(job.creationDateTime), lastUpdatedDateTime: iso(job.lastUpdatedDateTime) }
        : {};
      const age = job.creationDateTime ? now.getTime() - job.creationDateTime.getTime() : 0;
      return {
        kind: 'update',
        status: statusWith(
          obj,
          {
            jobArn: job.arn,
            jobName: job.jobName,
            region: identity.region,
            status: job.status,
            failureReason: job.failureReason,
            ...times,
            ...(justCreated ? { tags: obj.spec.tags } : {}),
            ...handled(obj),
          },
          jobConditions(job),
          now,
        ),
        events,
        requeue: terminal ? { kind: 'none' } : { kind: 'after', ms: settings.pollDelay(age) },
        ...(terminal ? {} : { running: { job, pollMs: settings.pollDelay(age) } }),
      };
    }
  }
}
