import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { DatasetExportJob, DatasetExportJobStatus } from '../api/types.js';
import type { PersonalizeGateway } from '../aws/gateway.js';
import {
  createInput,
  type DecideSettings,
  decide,
  type EventSpec,
  identityOf,
  invalidSpec,
  isSettled,
  type Requeue,
  type Scope,
  type Update,
} from './decide.js';

/** The Kubernetes side effects a reconcile may have. */
export interface ReconcileEffects {
  writeStatus(obj: DatasetExportJob, status: DatasetExportJobStatus): Promise<void>;
  recordEvent(obj: DatasetExportJob, event: EventSpec): Promise<void>;
}

export interface ReconcilerSettings {
  /** Per-namespace region and role (annotations); none when absent. */
  namespaceScope?: (namespace: string) => Promise<Omit<Scope, 'defaultRegion'>>;
  defaultRegion?: string;
  pollMinMs: number;
  pollMaxMs: number;
  actionableRetryMs: number;
}

/**
 * Runs one reconcile: asks AWS what it needs (Describe, at most one Create, Describe), lets the pure
 * `decide` choose, and applies the decision, writing status only when it changed.
 */
export class Reconciler {
  constructor(
    private readonly gateway: PersonalizeGateway,
    private readonly effects: ReconcileEffects,
    private readonly settings: ReconcilerSettings,
  ) {}

  private decideSettings(): DecideSettings {
    const { pollMinMs, pollMaxMs } = this.settings;
    return {
      now: new Date(),
      // Fast right after creation, then slower the longer a job runs: a tenth of its age, within bounds.
      pollDelay: (ageMs) => Math.min(pollMaxMs, Math.max(pollMinMs, ageMs / 10)),
      actionableRetryMs: this.settings.actionableRetryMs,
    };
  }

  async reconcile(obj: DatasetExportJob, log: Logger): Promise<Requeue> {
    if (obj.metadata?.deletionTimestamp) return { kind: 'none' };
    if (isSettled(obj)) return { kind: 'none' };
    const namespaceScope = (await this.settings.namespaceScope?.(obj.metadata?.namespace ?? '')) ?? {};
    const identity = identityOf(obj, { ...namespaceScope, defaultRegion: this.settings.defaultRegion });
    if ('invalid' in identity) return this.apply(obj, invalidSpec(obj, identity.invalid, new Date()), log);
    const jobLog = log.child({ arn: identity.arn, region: identity.region });

    const observed = await this.gateway.describe(identity, jobLog);
    let decision = decide(obj, identity, observed, this.decideSettings());
    if (decision.kind === 'create') {
      const created = await this.gateway.create(identity, createInput(obj, identity), jobLog);
      // Whether we created it or it appeared meanwhile (AlreadyExists), Describe says what it is now.
      const after = created.kind === 'failed' ? created : await this.gateway.describe(identity, jobLog);
      decision = decide(obj, identity, after, this.decideSettings(), created.kind === 'created');
      if (decision.kind === 'create') {
        throw new Error(`AWS accepted CreateDatasetExportJob for ${identity.arn} but cannot describe it`);
      }
    }
    return this.apply(obj, decision, jobLog);
  }

  private async apply(obj: DatasetExportJob, decision: Update, log: Logger): Promise<Requeue> {
    if (!isDeepStrictEqual(stripUndefined(obj.status ?? {}), stripUndefined(decision.status))) {
      await this.effects.writeStatus(obj, decision.status);
      log.info(
        { status: decision.status.status, synced: decision.status.conditions?.at(-1)?.reason },
        'status written',
      );
    }
    for (const event of decision.events) await this.effects.recordEvent(obj, event);
    return decision.requeue;
  }
}

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
