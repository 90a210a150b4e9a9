/**
 * `import`: DatasetExportJob manifests for jobs that already exist in AWS.
 */
import {
  DescribeDatasetExportJobCommand,
  type DescribeDatasetExportJobCommandOutput,
  ListTagsForResourceCommand,
  type PersonalizeClient,
  paginateListDatasetExportJobs,
} from '@aws-sdk/client-personalize';
import { datasetExportJob } from '../api/manifest.js';
import { isOwnerTag } from '../api/ownership.js';
import type { DatasetExportJob, IngestionMode } from '../api/types.js';

/** A Kubernetes name (DNS-1123 subdomain) for an AWS job name: lower case, `_` as `-`. */
export function resourceName(jobName: string): string {
  return (
    jobName
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
      .slice(0, 253) || 'job'
  );
}

export interface ImportOptions {
  datasetArn?: string;
  namespace?: string;
  /** Jobs to leave out: those a resource in the cluster already records, or the operator created. */
  skip?: (job: { arn: string; tags: Record<string, string> }) => boolean;
  /** Told about each job as it is read, for progress on long listings. */
  progress?: (done: number, jobName: string) => void;
}

/**
 * DatasetExportJob manifests for jobs that already exist in AWS (Terraform-import style): spec.jobName names the
 * existing job, so the operator adopts it instead of calling Create. The spec is what the job was created with:
 * DescribeDatasetExportJob, and ListTagsForResource for its tags (Describe has none).
 */
export async function importJobs(
  client: PersonalizeClient,
  options: ImportOptions = {},
): Promise<{ manifests: DatasetExportJob[]; skipped: number }> {
  const manifests: DatasetExportJob[] = [];
  let skipped = 0;
  const names = new Set<string>();
  const pages = paginateListDatasetExportJobs(
    { client, pageSize: 100 },
    options.datasetArn ? { datasetArn: options.datasetArn } : {},
  );
  for await (const page of pages) {
    for (const summary of page.datasetExportJobs ?? []) {
      const arn = summary.datasetExportJobArn ?? '';
      let described: DescribeDatasetExportJobCommandOutput;
      let tags: Record<string, string>;
      try {
        described = await client.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn: arn }));
        const listed = await client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
        tags = Object.fromEntries((listed.tags ?? []).map((t) => [t.tagKey ?? '', t.tagValue ?? '']));
      } catch (err) {
        throw new Error(`reading ${summary.jobName ?? arn}: ${(err as Error).message}`);
      }
      if (options.skip?.({ arn, tags })) {
        skipped++;
        continue;
      }
      // The operator's owner tags are its own bookkeeping, refused in spec.tags.
      for (const key of Object.keys(tags)) if (isOwnerTag(key)) delete tags[key];
      const job = described.datasetExportJob;
      const path = job?.jobOutput?.s3DataDestination?.path;
      if (!job?.jobName || !job.datasetArn || !job.roleArn || !path) {
        throw new Error(
          `${summary.jobName ?? arn}: DescribeDatasetExportJob left out a member the spec needs`,
        );
      }
      let name = resourceName(job.jobName);
      // Two AWS names can map to one Kubernetes name (case, `_`): keep both, distinctly.
      for (let i = 2; names.has(name); i++) name = `${resourceName(job.jobName).slice(0, 248)}-${i}`;
      names.add(name);
      const kmsKeyArn = job.jobOutput?.s3DataDestination?.kmsKeyArn;
      manifests.push(
        datasetExportJob(
          name,
          {
            jobName: job.jobName,
            datasetArn: job.datasetArn,
            ...(job.ingestionMode ? { ingestionMode: job.ingestionMode as IngestionMode } : {}),
            roleArn: job.roleArn,
            jobOutput: { s3DataDestination: { path, ...(kmsKeyArn ? { kmsKeyArn } : {}) } },
            ...(Object.keys(tags).length ? { tags } : {}),
          },
          options.namespace ? { namespace: options.namespace } : {},
        ),
      );
      options.progress?.(manifests.length, job.jobName);
    }
  }
  return { manifests, skipped };
}
