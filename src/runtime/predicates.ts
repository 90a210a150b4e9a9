/**
 * What wakes an object: changes worth a reconcile, told apart from those that are not (mostly the
 * controller's own status writes), as controller-runtime's predicates do.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

/** A value that changes exactly when the object needs a reconcile. */
export type Trigger<T extends KubernetesObject> = (obj: T) => string;

/**
 * Wakes on a new spec (metadata.generation, which status writes never move) and on a change of any of the
 * named annotations; every other metadata or status change is ignored.
 */
export function generationOrAnnotations<T extends KubernetesObject>(...annotations: string[]): Trigger<T> {
  return (obj) =>
    JSON.stringify([obj.metadata?.generation, ...annotations.map((a) => obj.metadata?.annotations?.[a])]);
}
