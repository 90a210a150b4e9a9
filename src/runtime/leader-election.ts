/**
 * Leader election on a coordination.k8s.io Lease, with client-go's rules.
 */
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease is valid after its last renewal (client-go/controller-runtime: 15 s). */
  leaseDurationMs: number;
  /** A leader that cannot renew for this long steps down, before its lease runs out (10 s). */
  renewDeadlineMs: number;
  /** How often to try to acquire or renew (2 s). */
  retryPeriodMs: number;
  logger: Logger;
}

const code = (err: unknown) => (err as { code?: number }).code;

/**
 * Leader election on a coordination.k8s.io Lease, with client-go's rules: a lease counts as expired only
 * when this process has seen it unchanged for a whole lease duration (its own clock, so skew between
 * machines does not matter), updates use the read resourceVersion as an optimistic lock, and a leader that
 * cannot renew within the renew deadline steps down before anyone else may take over.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private observed: { resourceVersion?: string; holder?: string; at: number } = { at: 0 };
  private lastRenewal = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  leading = false;

  constructor(private readonly options: LeaderElectionOptions) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  private lease(existing?: V1Lease): V1Lease {
    const now = new V1MicroTime();
    const takingOver = existing?.spec?.holderIdentity !== this.options.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.options.name,
        namespace: this.options.namespace,
        ...(existing?.metadata?.resourceVersion
          ? { resourceVersion: existing.metadata.resourceVersion }
          : {}),
      },
      spec: {
        holderIdentity: this.options.identity,
        leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
        acquireTime: takingOver ? now : existing?.spec?.acquireTime,
        renewTime: now,
        leaseTransitions: (existing?.spec?.leaseTransitions ?? 0) + (takingOver && existing ? 1 : 0),
      },
    };
  }

  /** One attempt to acquire or renew; true when this process holds the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    let existing: V1Lease | undefined;
    try {
      existing = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (code(err) !== 404) throw err;
    }
    if (!existing) {
      await this.api.createNamespacedLease({ namespace, body: this.lease() });
      return true;
    }
    const rv = existing.metadata?.resourceVersion;
    if (rv !== this.observed.resourceVersion) {
      this.observed = { resourceVersion: rv, holder: existing.spec?.holderIdentity, at: Date.now() };
    }
    const holder = existing.spec?.holderIdentity;
    const durationMs = (existing.spec?.leaseDurationSeconds ?? 0) * 1000;
    const heldByOther = holder && holder !== identity && this.observed.at + durationMs > Date.now();
    if (heldByOther) return false;
    await this.api.replaceNamespacedLease({ name, namespace, body: this.lease(existing) });
    return true;
  }

  /**
   * Campaigns until elected, calls `onStartedLeading`, then renews until stopped or until renewal fails for
   * the renew deadline, when it calls `onStoppedLeading` (the operator then exits, as controller-runtime does).
   */
  run(onStartedLeading: () => void, onStoppedLeading: () => void): void {
    const { retryPeriodMs, renewDeadlineMs, logger } = this.options;
    const tick = async () => {
      if (this.stopped) return;
      let held = false;
      try {
        held = await this.tryAcquireOrRenew();
      } catch (err) {
        logger.warn(
          { err: String(err), code: code(err) },
          this.leading ? 'lease renewal failed' : 'lease acquisition failed',
        );
      }
      if (this.stopped) return;
      if (held) {
        this.lastRenewal = Date.now();
        if (!this.leading) {
          this.leading = true;
          logger.info(
            { lease: `${this.options.namespace}/${this.options.name}`, identity: this.options.identity },
            'became leader',
          );
          onStartedLeading();
        }
      } else if (this.leading && Date.now() - this.lastRenewal > renewDeadlineMs) {
        this.leading = false;
        this.stopped = true;
        logger.error(
          { identity: this.options.identity },
          'leader election lost: could not renew the lease in time',
        );
        onStoppedLeading();
        return;
      }
      this.timer = setTimeout(tick, this.leading ? retryPeriodMs : retryPeriodMs * (1 + Math.random() * 0.2));
    };
    void tick();
  }

  /** Stops campaigning; a leader hands the lease back so a standby takes over at once. */
  async release(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    const { namespace, name } = this.options;
    try {
      const existing = await this.api.readNamespacedLease({ name, namespace });
      if (existing.spec?.holderIdentity !== this.options.identity) return;
      const released = this.lease(existing);
      released.spec = {
        ...released.spec,
        holderIdentity: undefined,
        leaseDurationSeconds: 1,
        leaseTransitions: existing.spec?.leaseTransitions,
      };
      await this.api.replaceNamespacedLease({ name, namespace, body: released });
      this.options.logger.info('released the lease');
    } catch (err) {
      this.options.logger.warn({ err: String(err) }, 'could not release the lease');
    }
  }
}
