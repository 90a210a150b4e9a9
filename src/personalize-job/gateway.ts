/**
 * The gateway to Amazon Personalize: each call's answer as an Observation, listings shared per dataset.
 */
import {
  CreateDatasetExportJobCommand,
  type CreateDatasetExportJobCommandInput,
  DescribeDatasetExportJobCommand,
  ListDatasetExportJobsCommand,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import type { Logger } from 'pino';
import { ClientPool, type ClientPoolOptions } from '../aws/client-pool.js';
import { classifyAwsError } from '../aws/errors.js';
import type { ExportJobApi } from './job-api.js';
import type {
  CreateResult,
  Failed,
  Identity,
  Observation,
  ObservedJob,
  TagPlan,
  Tags,
} from './observation.js';
import { DatasetPoller } from './parent-poller.js';

export interface GatewayOptions extends ClientPoolOptions {
  logger: Logger;
  /** Told each call's operation and outcome (OK or the error code), for metrics. */
  count?: (operation: string, outcome: string) => void;
  /** A dataset's listing answers lookups of jobs nobody watches for this long (ms). */
  listFreshMs?: number;
  /** Told the key a watched job was watched with when its status moves. */
  changed?: (key: string) => void;
  /** Pages (of 100) read per listing; older jobs beyond them are described one by one. */
  listMaxPages?: number;
}

/**
 * The operator's only door to Amazon Personalize: every answer turned into an Observation the reconciler
 * understands. Credentials come from the SDK's default chain and never reach a log line.
 */
export class ExportJobGateway implements ExportJobApi {
  private readonly pool: ClientPool;
  private readonly poller: DatasetPoller;

  constructor(private readonly options: GatewayOptions) {
    this.pool = new ClientPool(options);
    this.poller = new DatasetPoller({
      sweep: (identity, datasetArn, enough, log) => this.sweep(identity, datasetArn, enough, log),
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
    try {
      const out = await this.pool.send(identity, 'DescribeDatasetExportJob', (c, o) =>
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
      const out = await this.pool.send(identity, 'CreateDatasetExportJob', (c, o) =>
        c.send(new CreateDatasetExportJobCommand(input), o),
      );
      this.count('CreateDatasetExportJob', 'OK');
      log.info({ requestId: out.$metadata.requestId, arn: out.datasetExportJobArn }, 'created job');
      return {
        kind: 'created',
        job: {
          datasetExportJobArn: out.datasetExportJobArn ?? identity.arn,
          jobName: input.jobName ?? identity.jobName,
          datasetArn: input.datasetArn,
          status: 'CREATE PENDING',
        },
      };
    } catch (err) {
      if (err instanceof ResourceAlreadyExistsException) {
        this.count('CreateDatasetExportJob', err.name);
        return { kind: 'exists' };
      }
      return this.failed('CreateDatasetExportJob', err, log);
    }
  }

  /** The job as its dataset's listing shows it: see DatasetPoller. */
  fromList(identity: Identity, datasetArn: string, log: Logger, maxAgeMs?: number): Promise<Observation> {
    return this.poller.fromList(identity, datasetArn, log, maxAgeMs);
  }

  watch(identity: Identity, datasetArn: string, key: string, everyMs: number, current: ObservedJob): void {
    this.poller.watch(identity, datasetArn, key, everyMs, current);
  }

  /** Datasets being listed now or due to be: none once no watched job runs. */
  polling(): number {
    return this.poller.polling;
  }

  forget(key: string): void {
    this.poller.forget(key);
  }

  /**
   * One ListDatasetExportJobs sweep of a dataset, page by page (newest first on AWS's own console; the order
   * is not documented), until `enough` or the last page or `listMaxPages`.
   */
  private async sweep(
    identity: Identity,
    datasetArn: string,
    enough: (seen: ReadonlyMap<string, ObservedJob>) => boolean,
    log: Logger,
  ): Promise<Map<string, ObservedJob> | Failed> {
    const jobs = new Map<string, ObservedJob>();
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < (this.options.listMaxPages ?? 20); page++) {
        const out = await this.pool.send(identity, 'ListDatasetExportJobs', (c, o) =>
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
        if (!nextToken || enough(jobs)) break;
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
  ): Failed {
    const error = classifyAwsError(err, subject);
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
