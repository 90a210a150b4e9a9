/**
 * What every emulated operation is given: the state, the region and account of the request, the clock.
 */
import type { Faults } from './faults.js';
import type { Moving, RegionState } from './model.js';
import type { Store } from './store.js';

/** Everything an operation handler may use; one per request, for the region the request was signed for. */
export interface OperationContext {
  region: string;
  account: string;
  partition: string;
  state: RegionState;
  store: Store;
  faults: Faults;
  now(): number;
  /** Called after a resource was created, so the lifecycle engine can schedule its transitions. */
  scheduled(moving: Moving): void;
}

export type Operation = (ctx: OperationContext, input: Record<string, unknown>) => Promise<unknown> | unknown;

export const arn = (ctx: OperationContext, resource: string) =>
  `arn:${ctx.partition}:personalize:${ctx.region}:${ctx.account}:${resource}`;

/** Epoch milliseconds to the wire's epoch seconds (fractions allowed). */
export const seconds = (ms: number) => ms / 1000;
