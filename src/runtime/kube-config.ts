//! A KubeConfig whose API calls reuse keep-alive connections.
import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/**
 * client-node 1.x builds a fresh https.Agent for every API call, so each call opens a new TLS connection with
 * its own TLS context. This KubeConfig hands out one keep-alive agent per (server, TLS material) instead,
 * so calls reuse connections. Proxy agents are left as they are.
 */
export class PooledKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, Agent>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const agent = context.getAgent();
    if (!agent || agent.constructor !== Agent) return;
    const o = (agent as Agent).options;
    // The TLS material is hashed as bytes: JSON of a Buffer spells out every byte as a number, which cost
    // more CPU than the API call itself at thousands of calls a minute.
    const hash = createHash('sha256').update(
      `${this.getCurrentCluster()?.server}|${o.rejectUnauthorized}|${o.servername}`,
    );
    for (const part of [o.ca, o.cert, o.key, o.pfx]) {
      for (const piece of Array.isArray(part) ? part : [part]) {
        hash.update('|');
        if (typeof piece === 'string' || Buffer.isBuffer(piece)) hash.update(piece);
        else if (piece !== undefined) hash.update(JSON.stringify(piece));
      }
    }
    const key = hash.digest('hex');
    let pooled = this.agents.get(key);
    if (!pooled) {
      pooled = new Agent({ ...o, keepAlive: true, maxSockets: 32 });
      this.agents.set(key, pooled);
    }
    context.setAgent(pooled);
  }

  /** Closes pooled connections, so a stopping process is not held open by idle sockets. */
  destroyAgents(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
