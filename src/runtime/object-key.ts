/**
 * The key an object goes by in work queues, indexes, logs and messages: `namespace/name`, as client-go's
 * `cache.MetaNamespaceKeyFunc` makes it. One function makes it, so no two places can disagree.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export type ObjectKey = `${string}/${string}`;

export const objectKey = (namespace: string, name: string): ObjectKey => `${namespace}/${name}`;

export const keyOf = (obj: KubernetesObject): ObjectKey =>
  objectKey(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');

/** The namespace and name a key stands for. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
