/**
 * What the operator can be told (the CLI's flags, the tests' settings), apart from the assembly, so that each
 * kind's setup reads the options without importing the assembly that runs it.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  region?: string;
  personalizeEndpoint?: string;
  stsEndpoint?: string;
  /** How status is read: one List per dataset (default) or one Describe per job. */
  statusSource?: 'list' | 'describe';
  /** Client-side request rate per (account, region). */
  awsRateLimit?: { perSecond: number; burst: number };
  namespaces?: string[];
  labelSelector?: string;
  concurrency?: number;
  pollMinMs?: number;
  pollMaxMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  actionableRetryMs?: number;
  resyncMs?: number;
  watchTimeoutSeconds?: number;
  /** /healthz fails once a watch has been down, or queued work has made no progress, this long. */
  stallTimeoutMs?: number;
  /** The longest one AWS call may take, retries included; connecting is given `awsConnectTimeoutMs`. */
  awsTimeoutMs?: number;
  awsConnectTimeoutMs?: number;
  /** Jobs the operator did not create may be adopted in every namespace (else only where annotated). */
  allowAdoption?: boolean;
  /** Never call AWS with the operator's own identity: each namespace must name its role. */
  requireNamespaceRole?: boolean;
  /** Where /metrics is served (`{host, port}`); not served when absent. */
  metricsAddr?: { host: string; port: number };
  /** Where /healthz and /readyz are served; not served when absent. */
  healthAddr?: { host: string; port: number };
  /** Reconcile only while holding this Lease; without it, reconcile at once (one replica). */
  leaderElection?: {
    namespace: string;
    name: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  /** Called when leadership is lost; the CLI exits so that a fresh process campaigns again. */
  onLeadershipLost?: () => void;
  /** Schedules read a clock this many times faster than real time (tests and demos); real time by default. */
  scheduleClockSpeed?: number;
  /** Where that faster clock starts (ms since the epoch): operators given the same one read the same time. */
  scheduleClockEpoch?: number;
  /** Distinguishes replicas in Lease and Events; hostname and pid by default. */
  identity?: string;
}

export interface Operator {
  /** The manager's registry: the runtime's metrics and the operator's own. */
  registry: Registry;
  metricsUrl?: string;
  healthUrl?: string;
  stop(graceMs?: number): Promise<void>;
}
