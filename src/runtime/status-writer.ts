/**
 * Status writes through the /status subresource, as JSON merge patches that never touch the spec.
 */
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { replacingMergePatch } from './merge-patch.js';
import type { ResourceType } from './reconcile.js';

type WithStatus<S> = KubernetesObject & { status?: S };
type Json = Record<string, unknown>;

/** A writer of `resource`'s status: the patch turns the object's last status into `status`, nulling what it drops. */
export function statusWriter<S extends object>(
  kubeConfig: KubeConfig,
  resource: ResourceType,
  fieldManager: string,
) {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  return async (obj: WithStatus<S>, status: S): Promise<void> => {
    await api.patchNamespacedCustomObjectStatus(
      {
        group: resource.group,
        version: resource.version,
        namespace: obj.metadata?.namespace ?? '',
        plural: resource.plural,
        name: obj.metadata?.name ?? '',
        body: { status: replacingMergePatch((obj.status ?? {}) as Json, status as Json) },
        fieldManager,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  };
}
