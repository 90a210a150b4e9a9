/**
 * The SDK clients behind the gateway: one per (account, region, role), reused; every attempt paced by the
 * shared adaptive rate limiter and every call bounded by a timeout.
 */
import {
  PersonalizeClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-personalize';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { isThrottling } from './errors.js';
import { RateLimiter } from './rate-limiter.js';

/** Who calls, and where: the account and region of a client, and the role it assumes (if any). */
export interface Caller {
  account: string;
  region: string;
  roleArn?: string;
}

export interface ClientPoolOptions {
  /** Endpoint override: a VPC endpoint or the emulator. */
  endpoint?: string;
  maxAttempts?: number;
  /** STS endpoint override for role assumption (the emulator serves STS too). */
  stsEndpoint?: string;
  /** Starting client-side rate per (account, region, operation), shared by every call; it adapts from there. */
  rateLimit?: { perSecond: number; burst: number };
  /**
   * The longest one call may take, the SDK's retries included (default 20 s): a hung answer then costs a
   * worker that long only. Each attempt's socket gets the same bound.
   */
  timeoutMs?: number;
  /** The longest a TCP/TLS connection may take to open (default 5 s). */
  connectTimeoutMs?: number;
  /** Told of each throttled attempt, the SDK's retries included. */
  throttled?: (operation: string) => void;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export class ClientPool {
  private readonly clients = new Map<string, PersonalizeClient>();
  private readonly limiter: RateLimiter;

  constructor(private readonly options: ClientPoolOptions) {
    const { perSecond, burst } = options.rateLimit ?? { perSecond: 10, burst: 20 };
    this.limiter = new RateLimiter(perSecond, burst);
  }

  /**
   * One client per (account, region, role), reused. A role is assumed through STS; the SDK caches the
   * temporary credentials and refreshes them before they expire.
   */
  private client({ account, region, roleArn }: Caller): PersonalizeClient {
    const key = `${account}|${region}|${roleArn ?? ''}`;
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
      this.paceAttempts(client, `${account}|${region}`);
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * Every attempt, the SDK's retries included, reports to the limiter: a throttle the SDK retried away still
   * cuts the rate. A retry also waits for a token (the first attempt took one in `send`).
   */
  private paceAttempts(client: PersonalizeClient, scope: string): void {
    const attempted = new WeakSet<object>();
    const pace: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
      (next, context) => async (args) => {
        const operation = String(context.commandName).replace(/Command$/, '');
        const key = `${scope}|${operation}`;
        if (attempted.has(context)) await this.limiter.take(key);
        attempted.add(context);
        const sentAt = Date.now();
        try {
          const out = await next(args);
          this.limiter.succeeded(key);
          return out;
        } catch (err) {
          if (isThrottling(err)) {
            this.limiter.throttled(key, sentAt);
            this.options.throttled?.(operation);
          }
          throw err;
        }
      };
    client.middlewareStack.addRelativeTo(pace, {
      name: 'personalizeOperatorPacing',
      relation: 'after',
      toMiddleware: 'retryMiddleware',
    });
  }

  /** Each (account, region, operation)'s current rate, calls per second. */
  rates(): { account: string; region: string; operation: string; perSecond: number }[] {
    return this.limiter.rates().map(([key, perSecond]) => {
      const [account = '', region = '', operation = ''] = key.split('|');
      return { account, region, operation, perSecond };
    });
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send<T>(
    identity: Caller,
    operation: string,
    send: (client: PersonalizeClient, options: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    // AWS rate-limits each operation per account and region, so the buckets are keyed the same way.
    await this.limiter.take(`${identity.account}|${identity.region}|${operation}`);
    const abortSignal = AbortSignal.timeout(this.timeoutMs);
    try {
      return await send(this.client(identity), { abortSignal });
    } catch (err) {
      if (!abortSignal.aborted) throw err;
      throw Object.assign(new Error(`${operation} got no answer within ${this.timeoutMs / 1000}s`), {
        name: 'TimeoutError',
      });
    }
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
