import {
  CreateDatasetExportJobCommand,
  type CreateDatasetExportJobCommandInput,
  DescribeDatasetExportJobCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Logger } from 'pino';
import type { OperatorMetrics } from '../observability/metrics.js';
import type { Identity, Observation } from '../reconciler/decide.js';
import { classifyAwsError } from './errors.js';
import { RateLimiter } from './rate-limiter.js';

export type CreateResult =
  | { kind: 'created'; arn: string }
  | { kind: 'exists' }
  | Extract<Observation, { kind: 'failed' }>;

export interface GatewayOptions {
  /** Endpoint override: a VPC endpoint or the emulator. */
  endpoint?: string;
  maxAttempts?: number;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** STS endpoint override for role assumption (the emulator serves STS too). */
  stsEndpoint?: string;
  /** Client-side rate per (account, region), shared by every call. */
  rateLimit?: { perSecond: number; burst: number };
}

/**
 * The operator's only door to Amazon Personalize: one SDK client per region, reused, and every answer turned
 * into an Observation the reconciler understands. Credentials come from the SDK's default chain and never
 * reach a log line.
 */
export class PersonalizeGateway {
  private readonly clients = new Map<string, PersonalizeClient>();
  private readonly limiter: RateLimiter;

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
        // Adaptive retries slow the client down when AWS throttles, beyond plain backoff.
        retryMode: 'adaptive',
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

  private async send<T>(identity: Identity, send: (client: PersonalizeClient) => Promise<T>): Promise<T> {
    await this.limiter.take(`${identity.account}|${identity.region}`);
    return send(this.client(identity.region, identity.roleArn));
  }

  private count(operation: string, outcome: string): void {
    this.options.metrics?.awsRequests.inc({ operation, outcome });
  }

  async describe(identity: Identity, log: Logger): Promise<Observation> {
    try {
      const out = await this.send(identity, (c) =>
        c.send(new DescribeDatasetExportJobCommand({ datasetExportJobArn: identity.arn })),
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
        },
      };
    } catch (err) {
      const error = classifyAwsError(err);
      this.count('DescribeDatasetExportJob', error.code);
      if (err instanceof ResourceNotFoundException) return { kind: 'missing' };
      log.warn(
        { code: error.code, requestId: error.requestId, errorClass: error.class },
        'DescribeDatasetExportJob failed',
      );
      return { kind: 'failed', error };
    }
  }

  async create(
    identity: Identity,
    input: CreateDatasetExportJobCommandInput,
    log: Logger,
  ): Promise<CreateResult> {
    try {
      const out = await this.send(identity, (c) => c.send(new CreateDatasetExportJobCommand(input)));
      this.count('CreateDatasetExportJob', 'OK');
      log.info({ requestId: out.$metadata.requestId, arn: out.datasetExportJobArn }, 'created job');
      return { kind: 'created', arn: out.datasetExportJobArn ?? identity.arn };
    } catch (err) {
      const error = classifyAwsError(err);
      this.count('CreateDatasetExportJob', error.code);
      if (err instanceof ResourceAlreadyExistsException) return { kind: 'exists' };
      log.warn(
        { code: error.code, requestId: error.requestId, errorClass: error.class },
        'CreateDatasetExportJob failed',
      );
      return { kind: 'failed', error };
    }
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
