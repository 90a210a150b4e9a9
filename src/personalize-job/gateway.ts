/**
 * The gateway to Amazon Personalize for one job kind: each call's answer as an Observation, listings shared per
 * parent (dataset).
 */
import {
  ListTagsForResourceCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import type { Logger } from 'pino';
import { ClientPool, type ClientPoolOptions } from '../aws/client-pool.js';
import { classifyAwsError } from '../aws/errors.js';
import type { JobApi } from './job-api.js';
import type { JobCalls, JobKind } from './job-kind.js';
import type {
  CreateResult,
  Failed,
  Identity,
  Observation,
  ObservedJob,
  TagPlan,
  Tags,
} from './observation.js';
import { ParentPoller } from './parent-poller.js';
import { CREATE_PENDING } from './statuses.js';

export interface GatewayOptions<I> extends ClientPoolOptions {
  /** The kind's calls and their names. */
  kind: Pick<JobKind<never, I>, 'operations' | 'calls' | 'transientCreateErrors'>;
  logger: Logger;
  /** Told each call's operation and outcome (OK or the error code), for metrics. */
  count?: (operation: string, outcome: string) => void;
  /** A parent's listing answers lookups of jobs nobody watches for this long (ms). */
  listFreshMs?: number;
  /** Told the key a watched job was watched with when its status moves. */
  changed?: (key: string) => void;
  /** Pages (of 100) read per listing; older jobs beyond them are described one by one. */
  listMaxPages?: number;
}

/**
 * The operator's only door to Amazon Personalize for one job kind: every answer turned into an Observation the
 * reconciler understands. Credentials come from the SDK's default chain and never reach a log line.
 */
export class JobGateway<I> implements JobApi<I> {
  private readonly pool: ClientPool;
  private readonly poller: ParentPoller;
  private readonly calls: JobCalls<I>;
  private readonly operations: JobKind['operations'];

  constructor(private readonly options: GatewayOptions<I>) {
    this.pool = new ClientPool(options);
    this.calls = options.kind.calls;
    this.operations = options.kind.operations;
    this.poller = new ParentPoller({
      sweep: (identity, parentArn, enough, log) => this.sweep(identity, parentArn, enough, log),
      changed: (key) => options.changed?.(key),
      logger: options.logger,
      freshMs: options.listFreshMs ?? 2_000,
    });
  }

  /** Each (account, region, operation)'s adaptive client rate, calls per second. */
  rates(): ReturnType<ClientPool['rates']> {
    return this.pool.rates();
  }

  private count(operation: string, outcome: string): void {
    this.options.count?.(operation, outcome);
  }

  async describe(identity: Identity, log: Logger): Promise<Observation> {
    const operation = this.operations.describe;
    try {
      const out = await this.pool.send(identity, operation, (c, o) =>
        this.calls.describe(c, identity.arn, o),
      );
      this.count(operation, 'OK');
      log.debug({ requestId: out.requestId, status: out.job?.status }, 'described job');
      return out.job ? { kind: 'found', job: out.job } : { kind: 'missing' };
    } catch (err) {
      if (err instanceof ResourceNotFoundException) {
        this.count(operation, err.name);
        return { kind: 'missing' };
      }
      return this.failed(operation, err, log);
    }
  }

  async create(identity: Identity, input: I, log: Logger): Promise<CreateResult> {
    const operation = this.operations.create;
    try {
      const out = await this.pool.send(identity, operation, (c, o) => this.calls.create(c, input, o));
      this.count(operation, 'OK');
      log.info({ requestId: out.requestId, arn: out.arn }, 'created job');
      return {
        kind: 'created',
        job: { arn: out.arn ?? identity.arn, jobName: identity.jobName, status: CREATE_PENDING },
      };
    } catch (err) {
      if (err instanceof ResourceAlreadyExistsException) {
        this.count(operation, err.name);
        return { kind: 'exists' };
      }
      return this.failed(operation, err, log, 'dataset', this.options.kind.transientCreateErrors);
    }
  }

  /** The job as its parent's listing shows it: see ParentPoller. */
  fromList(identity: Identity, parentArn: string, log: Logger, maxAgeMs?: number): Promise<Observation> {
    return this.poller.fromList(identity, parentArn, log, maxAgeMs);
  }

  watch(identity: Identity, parentArn: string, key: string, everyMs: number, current: ObservedJob): void {
    this.poller.watch(identity, parentArn, key, everyMs, current);
  }

  /** Parents being listed now or due to be: none once no watched job runs. */
  polling(): number {
    return this.poller.polling;
  }

  forget(key: string): void {
    this.poller.forget(key);
  }

  /**
   * One sweep of a parent's jobs, page by page (newest first on AWS's own console; the order is not
   * documented), until `enough` or the last page or `listMaxPages`.
   */
  private async sweep(
    identity: Identity,
    parentArn: string,
    enough: (seen: ReadonlyMap<string, ObservedJob>) => boolean,
    log: Logger,
  ): Promise<Map<string, ObservedJob> | Failed> {
    const operation = this.operations.list;
    const jobs = new Map<string, ObservedJob>();
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < (this.options.listMaxPages ?? 20); page++) {
        const out = await this.pool.send(identity, operation, (c, o) =>
          this.calls.list(c, { parentArn, maxResults: 100, nextToken }, o),
        );
        this.count(operation, 'OK');
        for (const job of out.jobs) jobs.set(job.arn, job);
        nextToken = out.nextToken;
        if (!nextToken || enough(jobs)) break;
      }
      log.debug({ parentArn, jobs: jobs.size }, 'listed jobs');
      return jobs;
    } catch (err) {
      return this.failed(operation, err, log);
    }
  }

  /** The job's tags in AWS (ListTagsForResource). */
  async tags(identity: Identity, log: Logger): Promise<{ kind: 'tags'; tags: Tags } | Failed> {
    try {
      const out = await this.pool.send(identity, 'ListTagsForResource', (c, o) =>
        c.send(new ListTagsForResourceCommand({ resourceArn: identity.arn }), o),
      );
      this.count('ListTagsForResource', 'OK');
      return {
        kind: 'tags',
        tags: Object.fromEntries((out.tags ?? []).map((t) => [t.tagKey ?? '', t.tagValue ?? ''])),
      };
    } catch (err) {
      return this.failed('ListTagsForResource', err, log, 'job');
    }
  }

  /** Sets and removes tags: TagResource and UntagResource, each only when it has something to do. */
  async retag(identity: Identity, plan: TagPlan, log: Logger): Promise<{ kind: 'retagged' } | Failed> {
    const tags = Object.entries(plan.set).map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
    if (!tags.length && !plan.remove.length) return { kind: 'retagged' };
    let operation = 'TagResource';
    try {
      if (tags.length) {
        await this.pool.send(identity, operation, (c, o) =>
          c.send(new TagResourceCommand({ resourceArn: identity.arn, tags }), o),
        );
        this.count(operation, 'OK');
      }
      operation = 'UntagResource';
      if (plan.remove.length) {
        await this.pool.send(identity, operation, (c, o) =>
          c.send(new UntagResourceCommand({ resourceArn: identity.arn, tagKeys: plan.remove }), o),
        );
        this.count(operation, 'OK');
      }
      log.info({ set: Object.keys(plan.set), removed: plan.remove }, 'applied spec.tags');
      return { kind: 'retagged' };
    } catch (err) {
      return this.failed(operation, err, log, 'job');
    }
  }

  /** Counts and logs a failed call (code and request ID only, never the request) for the reconciler. */
  private failed(
    operation: string,
    err: unknown,
    log: Logger,
    subject: 'dataset' | 'job' = 'dataset',
    transient: Readonly<Record<string, string>> = {},
  ): Failed {
    const classified = classifyAwsError(err, subject);
    const clears = transient[classified.code];
    const error = clears ? { ...classified, class: 'transient' as const, reason: clears } : classified;
    this.count(operation, error.code);
    log.warn(
      { code: error.code, requestId: error.requestId, errorClass: error.class },
      `${operation} failed`,
    );
    return { kind: 'failed', error };
  }

  destroy(): void {
    this.poller.stop();
    this.pool.destroy();
  }
}
