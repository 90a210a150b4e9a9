/**
 * What the AWS side tells the lifecycle: where a job lives, what AWS said of it, its tags.
 */
import type { Caller } from '../aws/client-pool.js';
import type { ClassifiedError } from '../aws/errors.js';

/** Where the job lives in AWS; derivable before it exists, which makes Create safe to retry after a crash. */
export interface Identity extends Caller {
  partition: string;
  jobName: string;
  arn: string;
}

/** What the job's Describe call said (or its parent's listing, or that the call failed). */
export type Observation =
  | { kind: 'found'; job: ObservedJob }
  | { kind: 'missing' }
  | { kind: 'failed'; error: ClassifiedError };

export interface ObservedJob {
  arn: string;
  jobName: string;
  /** The resource the job belongs to (its dataset), when the answer tells. */
  parentArn?: string;
  status: string;
  failureReason?: string;
  creationDateTime?: Date;
  lastUpdatedDateTime?: Date;
  /**
   * What the job was created with, by spec field (`roleArn`, `jobOutput.s3DataDestination.path`), as Describe
   * tells (list summaries leave it out).
   */
  created?: Record<string, string | undefined>;
}

export type Tags = Record<string, string>;

/** The tag calls that turn a job's tags into the wanted ones. */
export interface TagPlan {
  set: Tags;
  remove: string[];
}

export type Failed = { kind: 'failed'; error: ClassifiedError };

/**
 * What Create's answer tells: the job exists, CREATE PENDING (where AWS documents every job starts), or that
 * a job of that name existed already.
 */
export type CreateResult = { kind: 'created'; job: ObservedJob } | { kind: 'exists' } | Failed;
