/**
 * The shapes the reconcile decision is made of: an update to write, or a Create to make first.
 */

import type { Owner } from '../api/ownership.js';
import type { EventSpec, Result } from '../runtime/reconcile.js';
import type { JobKind } from './job-kind.js';
import type { JobSpec, JobStatus } from './job-resource.js';
import type { Identity, ObservedJob } from './observation.js';

export type Update = {
  kind: 'update';
  status: JobStatus;
  events: EventSpec[];
  requeue: Result;
  /** The job runs on: what was seen of it, and how long its status may go unread. */
  running?: { job: ObservedJob; pollMs: number };
};

/**
 * Create the job; first write `record` (the status saying which job is about to be created) unless the
 * status already says so.
 */
export type Decision = { kind: 'create'; identity: Identity; record?: JobStatus } | Update;

export interface DecideSettings<S extends JobSpec = JobSpec> {
  /** The kind of job decided for: its names, its parent, the settings Create fixes. */
  kind: JobKind<S>;
  now: Date;
  /** Poll delay for a job that has been running `ageMs`; jitter is the caller's. */
  pollDelay(ageMs: number): number;
  /** Delay before retrying an error that needs a person (IAM, input, dataset). */
  actionableRetryMs: number;
}

/** What the reconcile knows beyond AWS's answer. */
export interface DecideContext {
  /** This reconcile's own Create produced the job. */
  justCreated?: boolean;
  /** This process created the job for this very resource (an earlier reconcile's status write was lost). */
  createdHere?: boolean;
  /** Another resource (namespace/name) already manages the job: it recorded its ARN, or created it. */
  claimedBy?: string;
  /**
   * The owner the job's tags record, read when a job is first seen without this process creating it: a hint
   * that refuses another namespace's job, never proof that a job is this resource's.
   */
  owner?: Owner;
  /** A job the operator did not create may be adopted (operator flag or namespace annotation). */
  adoptionAllowed?: boolean;
}
