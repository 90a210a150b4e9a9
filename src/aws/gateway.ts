import {
  CreateDatasetExportJobCommand,
  type CreateDatasetExportJobCommandInput,
  DescribeDatasetExportJobCommand,
  ListDatasetExportJobsCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Logger } from 'pino';
import type { OperatorMetrics } from '../observability/metrics.js';
import type { Identity, Observation, ObservedJob } from '../reconciler/decide.js';
import type { TagPlan, Tags } from '../reconciler/tags.js';
import { type ClassifiedError, classifyAwsError } from './errors.js';
import { RateLimiter } from './rate-limiter.js';

type Failed = { kind: 'failed'; error: ClassifiedError };

export type CreateResult = { kind: 'created'; arn: string } | { kind: 'exists' } | Failed;

export interface GatewayOptions {
  /** Endpoint override: a VPC endpoint or the emulator. */
  endpoint?: string;
  maxAttempts?: number;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** STS endpoint override for role assumption (the emulator serves STS too). */
  stsEndpoint?: string;
  /** A dataset's listing is reused for this long (ms) after it completes. */
  listFreshMs?: number;
  /** Pages (of 100) read per listing; older jobs beyond them are described one by one. */
  listMaxPages?: number;
  /** Client-side rate per (account, region, operation), shared by every call. */
  rateLimit?: { perSecond: number; burst: number };
  /**
   * The longest one call may take, the SDK's retries included (default 20 s): a hung answer then costs a
   * worker that long only. Each attempt's socket gets the same bound.
   */
  timeoutMs?: number;
  /** The longest a TCP/TLS connection may take to open (default 5 s). */
  connectTimeoutMs?: number;
}

/**
 * The operator's only door to Amazon Personalize: one SDK client per region, reused, and every answer turned
 * into an Observation the reconciler understands. Credentials come from the SDK's default chain and never
 * reach a log line.
 */
const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export class PersonalizeGateway {
  private readonly clients = new Map<string, PersonalizeClient>();
  private readonly limiter: RateLimiter;
  private readonly sweeps = new Map<
    string,
    { at: number; done: boolean; jobs: ReturnType<PersonalizeGateway['sweep']> }
  >();

  constructor(private readonly options: GatewayOptions) {
    const { perSecond, burst } = options.rateLimit ?? { perSecond: 10, burst: 20 };
    this.limiter = new RateLimiter(perSecond, burst);
  }

  /**
   * One client per (region, role), reused. A role is assumed through STS; the SDK caches the temporary
   * credentials and refreshes them before they expire.
   */
  client(region: string, roleArn?: string): PersonalizeClient {
    const key = `${region}|${roleArn ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new PersonalizeClient({
        region,
        ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
        maxAttempts: this.options.maxAttempts ?? 3,
        // Standard retries: the SDK's adaptive mode shrinks its own send rate after throttles and starved
        // every reconcile for over 30 s in our throttling-storm test; the shared token bucket and the
        // per-resource backoff already pace the operator.
        retryMode: 'standard',
        requestHandler: {
          connectionTimeout: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          requestTimeout: this.timeoutMs,
        },
        ...(roleArn
          ? {
              credentials: fromTemporaryCredentials({
                params: { RoleArn: roleArn, RoleSessionName: 'personalize-operator' },
                clientConfig: {
                  region,
                  ...(this.options.stsEndpoint ? { endpoint: this.options.stsEndpoint } : {}),
                },
              }),
            }
          : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private async send<T>(
    identity: Identity,
    operation: string,
    send: (client: PersonalizeClient, options: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    // AWS rate-limits each operation per account and region, so the buckets are keyed the same way.
    await this.limiter.take(`${identity.account}|${identity.region}|${operation}`);
    const abortSignal = AbortSignal.timeout(this.timeoutMs);
    try {
      return await send(this.client(identity.region, identity.roleArn), { abortSignal });
    } catch (err) {
      if (!abortSignal.aborted) throw err;
      throw Object.assign(new Error(`${operation} got no answer within ${this.timeoutMs / 1000}s`), {
        name: 'TimeoutError',
      });
    }
  }

  private count(operation: string, outcome: string): void {
    this.options.metrics?.awsRequests.inc({ operation, outcome });
  }

  async describe(identity: Identity, log: Logger): Promise<Observation> {
    try {
      const out = await this.send(identity, 'DescribeDatasetExportJob', (c, o) =>
        c.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn: identity.arn }), o),
      );
      this.count('DescribeDatasetExportJob', 'OK');
      log.debug(
        { requestId: out.$metadata.requestId, status: out.datasetExportJob?.status },
        'described job',
      );
      const job = out.datasetExportJob;
      if (!job?.status) return { kind: 'missing' };
      return {
        kind: 'found',
        job: {
          datasetExportJobArn: job.datasetExportJobArn ?? identity.arn,
          jobName: job.jobName ?? identity.jobName,
          datasetArn: job.datasetArn,
          status: job.status,
          failureReason: job.failureReason,
          creationDateTime: job.creationDateTime,
          lastUpdatedDateTime: job.lastUpdatedDateTime,
          created: {
            ingestionMode: job.ingestionMode,
            roleArn: job.roleArn,
            path: job.jobOutput?.s3DataDestination?.path,
            kmsKeyArn: job.jobOutput?.s3DataDestination?.kmsKeyArn,
          },
        },
      };
    } catch (err) {
      if (err instanceof ResourceNotFoundException) {
        this.count('DescribeDatasetExportJob', err.name);
        return { kind: 'missing' };
      }
      return this.failed('DescribeDatasetExportJob', err, log);
    }
  }

  async create(
    identity: Identity,
    input: CreateDatasetExportJobCommandInput,
    log: Logger,
  ): Promise<CreateResult> {
    try {
      const out = await this.send(identity, 'CreateDatasetExportJob', (c, o) =>
        c.send(new CreateDatasetExportJobCommand(input), o),
      );
      this.count('CreateDatasetExportJob', 'OK');
      log.info({ requestId: out.$metadata.requestId, arn: out.datasetExportJobArn }, 'created job');
      return { kind: 'created', arn: out.datasetExportJobArn ?? identity.arn };
    } catch (err) {
      if (err instanceof ResourceAlreadyExistsException) {
        this.count('CreateDatasetExportJob', err.name);
        return { kind: 'exists' };
      }
      return this.failed('CreateDatasetExportJob', err, log);
    }
  }

  /**
   * What one ListDatasetExportJobs sweep of the job's dataset says about it: `found`, `absent` (the dataset's
   * listing is fresh and lacks the job), or `failed`. Concurrent and recent requests for one dataset share a
   * sweep, so a poll round costs one List per dataset instead of one Describe per job.
   */
  async fromList(
    identity: Identity,
    datasetArn: string,
    log: Logger,
  ): Promise<Observation | { kind: 'absent' }> {
    const key = `${identity.region}|${identity.roleArn ?? ''}|${datasetArn}`;
    let sweep = this.sweeps.get(key);
    if (!sweep || (sweep.done && Date.now() - sweep.at > (this.options.listFreshMs ?? 2_000))) {
      sweep = { at: Date.now(), done: false, jobs: this.sweep(identity, datasetArn, log) };
      this.sweeps.set(key, sweep);
      const current = sweep;
      void current.jobs.finally(() => {
        current.done = true;
        current.at = Date.now();
      });
    }
    const jobs = await sweep.jobs;
    if ('kind' in jobs) {
      this.sweeps.delete(key);
      return jobs;
    }
    const job = jobs.get(identity.arn);
    return job ? { kind: 'found', job: { ...job, datasetArn } } : { kind: 'absent' };
  }

  private async sweep(
    identity: Identity,
    datasetArn: string,
    log: Logger,
  ): Promise<Map<string, ObservedJob> | Failed> {
    const jobs = new Map<string, ObservedJob>();
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < (this.options.listMaxPages ?? 20); page++) {
        const out = await this.send(identity, 'ListDatasetExportJobs', (c, o) =>
          c.send(new ListDatasetExportJobsCommand({ datasetArn, maxResults: 100, nextToken }), o),
        );
        this.count('ListDatasetExportJobs', 'OK');
        for (const j of out.datasetExportJobs ?? []) {
          if (!j.datasetExportJobArn || !j.status) continue;
          jobs.set(j.datasetExportJobArn, {
            datasetExportJobArn: j.datasetExportJobArn,
            jobName: j.jobName ?? '',
            status: j.status,
            failureReason: j.failureReason,
            creationDateTime: j.creationDateTime,
            lastUpdatedDateTime: j.lastUpdatedDateTime,
          });
        }
        nextToken = out.nextToken;
        if (!nextToken) break;
      }
      log.debug({ datasetArn, jobs: jobs.size }, 'listed jobs');
      return jobs;
    } catch (err) {
      return this.failed('ListDatasetExportJobs', err, log);
    }
  }

  /** The job's tags in AWS (ListTagsForResource). */
  async tags(identity: Identity, log: Logger): Promise<{ kind: 'tags'; tags: Tags } | Failed> {
    try {
      const out = await this.send(identity, 'ListTagsForResource', (c, o) =>
        c.send(new ListTagsForResourceCommand({ resourceArn: identity.arn }), o),
      );
      this.count('ListTagsForResource', 'OK');
      return {
        kind: 'tags',
        tags: Object.fromEntries((out.tags ?? []).map((t) => [t.tagKey ?? '', t.tagValue ?? ''])),
      };
    } catch (err) {
      return this.failed('ListTagsForResource', err, log);
    }
  }

  /** Sets and removes tags: TagResource and UntagResource, each only when it has something to do. */
  async retag(identity: Identity, plan: TagPlan, log: Logger): Promise<{ kind: 'retagged' } | Failed> {
    const tags = Object.entries(plan.set).map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
    if (!tags.length && !plan.remove.length) return { kind: 'retagged' };
    let operation = 'TagResource';
    try {
      if (tags.length) {
        await this.send(identity, operation, (c, o) =>
          c.send(new TagResourceCommand({ resourceArn: identity.arn, tags }), o),
        );
        this.count(operation, 'OK');
      }
      operation = 'UntagResource';
      if (plan.remove.length) {
        await this.send(identity, operation, (c, o) =>
          c.send(new UntagResourceCommand({ resourceArn: identity.arn, tagKeys: plan.remove }), o),
        );
        this.count(operation, 'OK');
      }
      log.info({ set: Object.keys(plan.set), removed: plan.remove }, 'applied spec.tags');
      return { kind: 'retagged' };
    } catch (err) {
      return this.failed(operation, err, log);
    }
  }

  /** Counts and logs a failed call (code and request ID only, never the request) for the reconciler. */
  private failed(operation: string, err: unknown, log: Logger): Failed {
    const error = classifyAwsError(err);
    this.count(operation, error.code);
    log.warn(
      { code: error.code, requestId: error.requestId, errorClass: error.class },
      `${operation} failed`,
    );
    return { kind: 'failed', error };
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
