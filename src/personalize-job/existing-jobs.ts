/**
 * `import`: manifests for jobs of a kind that already exist in AWS, the same for every job kind. Each kind says
 * how its jobs are listed, and what spec a described job stands for.
 */
import { ListTagsForResourceCommand, type PersonalizeClient } from '@aws-sdk/client-personalize';
import { isOwnerTag } from '../api/ownership.js';

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

/** How one kind's existing jobs are read: listed (optionally for one dataset), then each described. */
export interface ExistingJobReader<Spec, M> {
  /** The jobs' ARNs and names, page after page. */
  list(client: PersonalizeClient, datasetArn?: string): AsyncIterable<{ arn: string; jobName?: string }>;
  /** The spec the job was created with (its tags aside), or the member Describe left out. */
  specOf(
    client: PersonalizeClient,
    arn: string,
  ): Promise<{ jobName: string; spec: Spec } | { missing: string }>;
  /** The resource for a spec (the kind's manifest helper). */
  manifest(name: string, spec: Spec & { tags?: Record<string, string> }, metadata: { namespace?: string }): M;
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
 * Manifests for jobs that already exist in AWS (Terraform-import style): spec.jobName names the existing job, so
 * the operator adopts it instead of calling Create. The spec is what the job was created with (Describe), and
 * its tags (ListTagsForResource: Describe has none) but the operator's own owner tags.
 */
export async function importJobs<Spec, M>(
  client: PersonalizeClient,
  reader: ExistingJobReader<Spec, M>,
  options: ImportOptions = {},
): Promise<{ manifests: M[]; skipped: number }> {
  const manifests: M[] = [];
  let skipped = 0;
  const names = new Set<string>();
  for await (const { arn, jobName } of reader.list(client, options.datasetArn)) {
    let described: Awaited<ReturnType<typeof reader.specOf>>;
    let tags: Record<string, string>;
    try {
      described = await reader.specOf(client, arn);
      const listed = await client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
      tags = Object.fromEntries((listed.tags ?? []).map((t) => [t.tagKey ?? '', t.tagValue ?? '']));
    } catch (err) {
      throw new Error(`reading ${jobName ?? arn}: ${(err as Error).message}`);
    }
    if (options.skip?.({ arn, tags })) {
      skipped++;
      continue;
    }
    if ('missing' in described) {
      throw new Error(`${jobName ?? arn}: Describe left out ${described.missing}, which the spec needs`);
    }
    // The operator's owner tags are its own bookkeeping, refused in spec.tags.
    for (const key of Object.keys(tags)) if (isOwnerTag(key)) delete tags[key];
    let name = resourceName(described.jobName);
    // Two AWS names can map to one Kubernetes name (case, `_`): keep both, distinctly.
    for (let i = 2; names.has(name); i++) name = `${resourceName(described.jobName).slice(0, 248)}-${i}`;
    names.add(name);
    const spec = { ...described.spec, ...(Object.keys(tags).length ? { tags } : {}) };
    manifests.push(reader.manifest(name, spec, options.namespace ? { namespace: options.namespace } : {}));
    options.progress?.(manifests.length, described.jobName);
  }
  return { manifests, skipped };
}
