/**
 * Status conditions in the shape of metav1.Condition, for any kind: merged so that `lastTransitionTime`
 * moves only when a condition's status changes, so watchers see real transitions, not reconcile loops.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** A condition as a reconcile wants it; the time and generation are filled in by `mergeConditions`. */
export interface DesiredCondition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** Kubernetes' time format: seconds, no fraction. */
const timestamp = (now: Date) => now.toISOString().replace(/\.\d+Z$/, 'Z');

export function mergeConditions(
  current: readonly Condition[] | undefined,
  desired: readonly DesiredCondition[],
  generation: number | undefined,
  now: Date,
): Condition[] {
  const byType = new Map((current ?? []).map((c) => [c.type, c]));
  return desired.map((d) => {
    const old = byType.get(d.type);
    return {
      type: d.type,
      status: d.status,
      reason: d.reason,
      message: d.message,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      lastTransitionTime: old && old.status === d.status ? old.lastTransitionTime : timestamp(now),
    };
  });
}

export const findCondition = <C extends Condition>(conditions: readonly C[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type);
