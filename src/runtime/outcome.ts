/**
 * The last step of every reconcile, for any kind: write the status the decision wants if it differs from the
 * stored one (a status write wakes every watcher, so an unchanged one is never written), then record its
 * events. One path, so no kind can write on every poll or record an event before its status.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventSpec } from './reconcile.js';

export interface Outcome<S> {
  status: S;
  events: readonly EventSpec[];
}

export interface OutcomeEffects<T, S> {
  writeStatus(obj: T, status: S): Promise<void>;
  recordEvent(obj: T, event: EventSpec): Promise<void>;
}

/** JSON's view of a value: what the API server stores (no undefined members). */
const stored = <V>(value: V): V => JSON.parse(JSON.stringify(value ?? {})) as V;

/** Applies `outcome` to `obj`; `written` is told the old and new status after a write, before the events. */
export async function applyOutcome<T extends KubernetesObject & { status?: S }, S>(
  obj: T,
  outcome: Outcome<S>,
  effects: OutcomeEffects<T, S>,
  written?: (old: S | undefined, status: S) => void,
): Promise<boolean> {
  const changed = !isDeepStrictEqual(stored(obj.status), stored(outcome.status));
  if (changed) {
    await effects.writeStatus(obj, outcome.status);
    written?.(obj.status, outcome.status);
  }
  for (const event of outcome.events) await effects.recordEvent(obj, event);
  return changed;
}
