//! The SDK clients behind the gateway: one per (region, role), reused; every call paced by the shared rate
//! limiter and bounded by a timeout.
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Identity } from './observation.js';
import { RateLimiter } from './rate-limiter.js';

export interface ClientPoolOptions {
  /** Endpoint override: a VPC endpoint or the emulator. */
  endpoint?: string;
  maxAttempts?: number;
  /** STS endpoint override for role assumption (the emulator serves STS too). */
  stsEndpoint?: string;
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

  async send<T>(
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

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
