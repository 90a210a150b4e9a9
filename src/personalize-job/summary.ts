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

/** What a Describe answer tells of its job: the summary, its parent, and the settings `created` reads. */
export function described<J extends Omit<JobSummary, 'arn'> & { datasetArn?: string }>(
  out: { $metadata: { requestId?: string } },
  job: J | undefined,
  arn: string,
  created: (job: J) => ObservedJob['created'],
): { job?: ObservedJob; requestId?: string } {
  const requestId = out.$metadata.requestId;
  if (!job?.status) return { requestId };
  return {
    requestId,
    job: { ...summaryOf({ ...job, arn }), parentArn: job.datasetArn, created: created(job) },
  };
}

/** A listing page's jobs, those with an ARN and a status (the others cannot be told apart). */
export function listed<J extends Omit<JobSummary, 'arn'>>(
  items: J[] | undefined,
  arnOf: (job: J) => string | undefined,
): ObservedJob[] {
  return (items ?? []).flatMap((j) => {
    const arn = arnOf(j);
    return arn && j.status ? [summaryOf({ ...j, arn })] : [];
  });
}
