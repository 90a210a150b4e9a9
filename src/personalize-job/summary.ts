/**
 * The members every Personalize job's Describe answer and list summary share, as the lifecycle reads them.
 */
import type { ObservedJob } from './observation.js';

export interface JobSummary {
  arn: string;
  jobName?: string;
  status?: string;
  failureReason?: string;
  creationDateTime?: Date;
  lastUpdatedDateTime?: Date;
}

/** The job as a summary shows it: no parent, no settings. */
export function summaryOf(job: JobSummary): ObservedJob {
  return {
    arn: job.arn,
    jobName: job.jobName ?? '',
    status: job.status ?? '',
    failureReason: job.failureReason,
    creationDateTime: job.creationDateTime,
    lastUpdatedDateTime: job.lastUpdatedDateTime,
  };
}
