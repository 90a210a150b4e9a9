/**
 * Namespace annotations, for settings an administrator gives per namespace: read with a GET (namespaced RBAC
 * suffices, no watch on every namespace) and cached briefly, so a change applies within the TTL.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export type NamespaceAnnotations = { annotations: Record<string, string> } | { unreadable: string };

export class NamespaceAnnotationReader {
  private readonly api: CoreV1Api;
  private readonly cache = new Map<string, { at: number; annotations: Record<string, string> }>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly logger: Logger,
    private readonly ttlMs = 30_000,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The namespace's annotations, or why it could not be read (never cached, so granted access applies at once). */
  async read(namespace: string): Promise<NamespaceAnnotations> {
    const cached = this.cache.get(namespace);
    if (cached && Date.now() - cached.at < this.ttlMs) return { annotations: cached.annotations };
    try {
      const annotations = (await this.api.readNamespace({ name: namespace })).metadata?.annotations ?? {};
      this.cache.set(namespace, { at: Date.now(), annotations });
      return { annotations };
    } catch (err) {
      const code = (err as { code?: number }).code;
      this.logger.warn({ namespace, code }, 'cannot read namespace annotations');
      return { unreadable: code ? `HTTP ${code}${code === 403 ? ' Forbidden' : ''}` : String(err) };
    }
  }
}
