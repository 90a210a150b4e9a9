/**
 * What the Personalize job lifecycle needs to know of one job kind, and nothing more: its names (for ARNs and
 * messages), the resource its jobs are listed under, the settings an existing job is compared on, its Create
 * input, and its three SDK calls. Every one-shot Personalize job (create under a name, poll to a final status,
 * tags, no update, no delete) is such a description over the same lifecycle.
 */
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { JobResource, JobSpec } from './job-resource.js';
import type { Identity, ObservedJob } from './observation.js';

/** The per-call options the client pool passes on (abort signal, timeouts). */
export type CallOptions = Parameters<PersonalizeClient['send']>[1];

/** A tag as AWS's calls take it. */
export interface TagPair {
  tagKey: string;
  tagValue: string;
}

/** A setting Create fixed for good: the spec field, what the spec wants, and whether AWS may leave it out. */
export interface Setting {
  field: string;
  wanted: string | undefined;
  /** AWS's answer may omit it, meaning none (a KMS key); any other setting it omits cannot be checked. */
  optional?: true;
}

/** The kind's three Personalize calls over the SDK, each answer turned into what the lifecycle reads. */
export interface JobCalls<I> {
  create(
    client: PersonalizeClient,
    input: I,
    options: CallOptions,
  ): Promise<{ arn?: string; requestId?: string }>;
  /** The job, or undefined when the answer holds none. */
  describe(
    client: PersonalizeClient,
    arn: string,
    options: CallOptions,
  ): Promise<{ job?: ObservedJob; requestId?: string }>;
  /** One page of the parent's jobs (summaries: no settings). */
  list(
    client: PersonalizeClient,
    page: { parentArn: string; nextToken?: string; maxResults: number },
    options: CallOptions,
  ): Promise<{ jobs: ObservedJob[]; nextToken?: string }>;
}

export interface JobKind<S extends JobSpec = JobSpec, I = unknown> {
  /** The resource kind, as its CRD and messages name it. */
  kind: string;
  /** The status field that records the job's ARN, as the kind's Describe names it (`jobArn`). */
  arnField: string;
  /** The resource type in the job's ARN (`…:<arnResource>/<jobName>`): an ARN is known from the name before Create. */
  arnResource: string;
  /** What a job does, for messages: `export` ("an export of …", "to export again"). */
  verb: string;
  /** The AWS operations' names, for messages and metrics. */
  operations: { create: string; describe: string; list: string };
  /** The resource a job lives beside and is listed under: its account and region are the job's. */
  parent: {
    /** The spec field that names it. */
    field: string;
    /** What it is (`dataset`). */
    noun: string;
    /** Its ARN's pattern: groups partition, region, account. */
    pattern: string;
    /** Its ARN's form, for messages. */
    form: string;
    arn(spec: S): string;
  };
  /** The settings Create fixes, in the order messages list them (the parent's ARN is compared first, always). */
  settings(spec: S): Setting[];
  /** The Create input: the spec with AWS's defaults made explicit, and the tags to create the job with. */
  createInput(obj: JobResource<S>, identity: Identity, tags: TagPair[]): I;
  calls: JobCalls<I>;
  /**
   * Create's errors that clear by themselves for this kind, by code, with the Synced reason they show (an
   * import into a dataset that another import is loading: ResourceInUseException). Retried with backoff.
   */
  transientCreateErrors?: Readonly<Record<string, string>>;
}
