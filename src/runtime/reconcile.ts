/**
 * The contract between the controller runtime and the reconcilers it drives: what a reconcile returns and
 * what it may record. Nothing here knows a resource kind.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';

/** What to do with the object after a reconcile: nothing, look again after `ms`, or retry with backoff. */
export type Result = { kind: 'none' } | { kind: 'after'; ms: number } | { kind: 'backoff' };

/** An events.k8s.io Event to record on the reconciled object. */
export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

export interface Reconciler<T extends KubernetesObject> {
  /** Brings the world closer to `obj`'s spec; throws only for what it cannot report on the object. */
  reconcile(obj: T, log: Logger): Promise<Result>;
  /** The object is gone: drop anything remembered about it. */
  forget?(obj: T): void;
}

/** The custom resource a controller watches. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
}
