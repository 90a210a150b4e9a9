/**
 * A KubeConfig whose API calls reuse keep-alive connections.
 */
import { createHash } from 'node:crypto';
import type { AgentOptions } from 'node:https';
import { type Cluster, KubeConfig } from '@kubernetes/client-node';

/** What client-node 2.x makes a dispatcher with (an undici Agent), as far as pooling needs to know. */
interface Dispatcher {
  destroy(): Promise<void>;
}

/** The client-node 2.x internal this class wraps: it makes the dispatcher of every API call and watch. */
type CreateDispatcher = (cluster: Cluster | null, agentOptions: AgentOptions) => Dispatcher | undefined;

/**
 * client-node (2.0.1, as 1.x did with https agents) makes a new undici Agent for every API call and every
 * watch, so each opens its own TLS connection: a handshake and a client-certificate check on the API server
 * per call, at thousands of calls a minute. This KubeConfig keeps one dispatcher per server and TLS material
 * (client-node's own dispatcher options, hashed) and hands it to every call, so calls reuse keep-alive
 * connections. Proxied and plain-HTTP clusters are left as client-node makes them.
 *
 * It wraps client-node's private `createDispatcher`: a version without it fails at construction, loudly,
 * rather than silently going back to a connection per call.
 */
export class PooledKubeConfig extends KubeConfig {
  private readonly dispatchers = new Map<string, Dispatcher>();

  constructor() {
    super();
    const internals = this as unknown as { createDispatcher?: CreateDispatcher };
    const create = internals.createDispatcher;
    if (typeof create !== 'function') {
      throw new Error('@kubernetes/client-node has no createDispatcher: PooledKubeConfig needs updating');
    }
    internals.createDispatcher = (cluster, agentOptions) => {
      const options = this.createDispatcherOptions(cluster, agentOptions);
      if (options.type !== 'agent') return create.call(this, cluster, agentOptions);
      const key = keyOf(cluster?.server ?? '', options.connect);
      let pooled = this.dispatchers.get(key);
      if (!pooled) {
        pooled = create.call(this, cluster, agentOptions);
        if (pooled) this.dispatchers.set(key, pooled);
      }
      return pooled;
    };
  }

  /** Closes pooled connections, so a stopping process is not held open by idle sockets. */
  destroyAgents(): void {
    for (const dispatcher of this.dispatchers.values()) void dispatcher.destroy().catch(() => undefined);
    this.dispatchers.clear();
  }
}

/**
 * The TLS material is hashed as bytes: JSON of a Buffer spells out every byte as a number, which cost more CPU
 * than the API call itself at thousands of calls a minute.
 */
function keyOf(server: string, connect: object): string {
  const hash = createHash('sha256').update(server);
  // Option names compared by code unit: localeCompare would load ICU's collation data (2.6 MB RSS) for this.
  const entries = Object.entries(connect).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of entries) {
    hash.update(`|${name}=`);
    for (const piece of Array.isArray(value) ? value : [value]) {
      if (typeof piece === 'string' || Buffer.isBuffer(piece)) hash.update(piece);
      else hash.update(JSON.stringify(piece) ?? 'undefined');
      hash.update(',');
    }
  }
  return hash.digest('hex');
}
