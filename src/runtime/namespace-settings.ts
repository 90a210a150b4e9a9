import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Scope } from '../reconciler/decide.js';

export const REGION_ANNOTATION = 'personalize.ops.dev/region';
export const ROLE_ANNOTATION = 'personalize.ops.dev/role-arn';

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
    let scope: NamespaceScope = {};
    try {
      const annotations = (await this.api.readNamespace({ name: namespace })).metadata?.annotations ?? {};
      scope = {
        ...(annotations[REGION_ANNOTATION] ? { namespaceRegion: annotations[REGION_ANNOTATION] } : {}),
        ...(annotations[ROLE_ANNOTATION] ? { roleArn: annotations[ROLE_ANNOTATION] } : {}),
      };
    } catch (err) {
      // Without access to the namespace object, its resources use the operator's defaults.
      this.logger.warn(
        { namespace, code: (err as { code?: number }).code },
        'cannot read namespace annotations; using defaults',
      );
    }
    this.cache.set(namespace, { at: Date.now(), scope });
    return scope;
  }
}
