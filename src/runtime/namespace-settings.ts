import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ADOPTION_ANNOTATION, REGION_ANNOTATION, ROLE_ANNOTATION } from '../api/schema.js';
import type { Scope } from '../reconciler/decide.js';

export type NamespaceScope = Omit<Scope, 'defaultRegion'>;

/**
 * Per-namespace AWS settings from namespace annotations, read with a GET (works with namespaced RBAC too)
 * and cached briefly, so a changed annotation applies within `ttlMs` without a watch on every namespace.
 */
export class NamespaceSettings {
  private readonly api: CoreV1Api;
  private readonly cache = new Map<string, { at: number; scope: NamespaceScope }>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly logger: Logger,
    private readonly ttlMs = 30_000,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async scopeOf(namespace: string): Promise<NamespaceScope> {
    const cached = this.cache.get(namespace);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.scope;
    let scope: NamespaceScope;
    try {
      const annotations = (await this.api.readNamespace({ name: namespace })).metadata?.annotations ?? {};
      scope = {
        ...(annotations[REGION_ANNOTATION] ? { namespaceRegion: annotations[REGION_ANNOTATION] } : {}),
        ...(annotations[ROLE_ANNOTATION] !== undefined ? { roleArn: annotations[ROLE_ANNOTATION] } : {}),
        ...(annotations[ADOPTION_ANNOTATION] === 'true' ? { allowAdoption: true } : {}),
      };
    } catch (err) {
      // Fails closed: without the namespace, its role is unknown, and the operator's own identity is not a
      // safe stand-in. Not cached, so access granted later applies at the next retry.
      const code = (err as { code?: number }).code;
      this.logger.warn({ namespace, code }, 'cannot read namespace annotations; no AWS call for it');
      return { unreadable: code ? `HTTP ${code}${code === 403 ? ' Forbidden' : ''}` : String(err) };
    }
    this.cache.set(namespace, { at: Date.now(), scope });
    return scope;
  }
}
