import {
  CreateDatasetExportJobCommand,
  type CreateDatasetExportJobCommandInput,
  DescribeDatasetExportJobCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import type { Logger } from 'pino';
import type { OperatorMetrics } from '../observability/metrics.js';
import type { Identity, Observation } from '../reconciler/decide.js';
import { classifyAwsError } from './errors.js';

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
}

/**
 * The operator's only door to Amazon Personalize: one SDK client per region, reused, and every answer turned
 * into an Observation the reconciler understands. Credentials come from the SDK's default chain and never
 * reach a log line.
 */
export class PersonalizeGateway {
  private readonly clients = new Map<string, PersonalizeClient>();

  constructor(private readonly options: GatewayOptions) {}

  client(region: string): PersonalizeClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new PersonalizeClient({
        region,
        ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
        maxAttempts: this.options.maxAttempts ?? 3,
      });
      this.clients.set(region, client);
    }
    return client;
  }

  private count(operation: string, outcome: string): void {
    this.options.metrics?.awsRequests.inc({ operation, outcome });
  }

  async describe(identity: Identity, log: Logger): Promise<Observation> {
    try {
      const out = await this.client(identity.region).send(
        new DescribeDatasetExportJobCommand({ datasetExportJobArn: identity.arn }),
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
      const out = await this.client(identity.region).send(new CreateDatasetExportJobCommand(input));
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
