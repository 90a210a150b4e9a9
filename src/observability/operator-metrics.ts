/**
 * The operator's own Prometheus metrics, beside the runtime's.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Condition } from '../runtime/conditions.js';
import { findCondition } from '../runtime/conditions.js';
import { keyOf } from '../runtime/object-key.js';

/**
 * The operator's own metrics, beside the runtime's in the manager's registry: AWS calls, status writes, and
 * gauges read from the caches of the job kinds (jobs by kind and status, resources by Synced reason) to alert on.
 */
export class OperatorMetrics {
  private readonly jobSources = new Map<string, () => Iterable<JobLike>>();
  private readonly rateSources: (() => Iterable<Rate>)[] = [];

  readonly awsRequests: Counter<'operation' | 'outcome'>;
  readonly awsThrottledAttempts: Counter<'operation'>;
  readonly awsRateLimit: Gauge<'account' | 'region' | 'operation'>;
  readonly statusWrites: Counter;
  readonly jobs: Gauge<'status' | 'kind'>;
  readonly resourcesBySync: Gauge<'sync' | 'stalled' | 'kind'>;
  readonly jobDuration: Histogram<'status'>;
  readonly scheduleRuns: Counter<'schedule' | 'outcome'>;
  readonly scheduleNextRun: Gauge<'schedule'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.awsRequests = new Counter({
      name: 'personalize_operator_aws_requests_total',
      help: 'Calls to Amazon Personalize by operation and outcome (OK or the error code)',
      labelNames: ['operation', 'outcome'] as const,
      registers,
    });
    this.awsThrottledAttempts = new Counter({
      name: 'personalize_operator_aws_throttled_attempts_total',
      help: 'Attempts Amazon Personalize throttled, by operation, the SDK retries included (a retried throttle still counts)',
      labelNames: ['operation'] as const,
      registers,
    });
    this.awsRateLimit = new Gauge({
      name: 'personalize_operator_aws_rate_limit',
      help: 'The client-side rate (calls per second) each operation is paced at per account and region, adapted to AWS throttling',
      labelNames: ['account', 'region', 'operation'] as const,
      registers,
    });
    this.statusWrites = new Counter({
      name: 'personalize_operator_status_writes_total',
      help: 'Status patches written to the API server',
      registers,
    });
    this.jobs = new Gauge({
      name: 'personalize_operator_jobs',
      help: 'Job resources (DatasetExportJob, DatasetImportJob) by kind and AWS status',
      labelNames: ['status', 'kind'] as const,
      registers,
    });
    this.resourcesBySync = new Gauge({
      name: 'personalize_operator_resources',
      help: 'Job resources by the reason of their Synced condition (Synced, Paused, Throttled, AccessDenied, SpecMismatch, ...), whether they are Stalled, and kind: what to alert on',
      labelNames: ['sync', 'stalled', 'kind'] as const,
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'personalize_operator_job_duration_seconds',
      help: 'Time from AWS creating a job to its terminal status, by that status',
      labelNames: ['status'] as const,
      buckets: [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400],
      registers,
    });
    this.scheduleRuns = new Counter({
      name: 'personalize_operator_schedule_runs_total',
      help: 'Runs of DatasetExportSchedules by schedule (namespace/name) and outcome: started, succeeded, failed, missed (the operator was down, or past the starting deadline), skipped (concurrencyPolicy Forbid)',
      labelNames: ['schedule', 'outcome'] as const,
      registers,
    });
    this.scheduleNextRun = new Gauge({
      name: 'personalize_operator_schedule_next_run_timestamp_seconds',
      help: 'When each DatasetExportSchedule runs next (Unix time)',
      labelNames: ['schedule'] as const,
      registers,
    });
  }

  /** The next run of every schedule, as a Unix time (absent while suspended or invalid). */
  collectSchedules(schedules: Iterable<KubernetesObject & { status?: { nextScheduleTime?: string } }>): void {
    this.scheduleNextRun.reset();
    for (const s of schedules) {
      const next = s.status?.nextScheduleTime;
      if (next) this.scheduleNextRun.set({ schedule: keyOf(s) }, Date.parse(next) / 1000);
    }
  }

  /** A job kind's resources, read at each scrape for the gauges. */
  addJobs(kind: string, list: () => Iterable<JobLike>): void {
    this.jobSources.set(kind, list);
  }

  /** A gateway's adaptive client rates, read at each scrape. */
  addRates(rates: () => Iterable<Rate>): void {
    this.rateSources.push(rates);
  }

  /** Refreshes every gauge read from the caches and gateways rather than counted. */
  collect(): void {
    this.awsRateLimit.reset();
    for (const rates of this.rateSources)
      for (const { perSecond, ...labels } of rates()) this.awsRateLimit.set(labels, perSecond);
    this.jobs.reset();
    this.resourcesBySync.reset();
    for (const [kind, list] of this.jobSources) this.collectJobs(kind, list());
  }

  /**
   * One kind's gauges, tallied first and set once per label set: a gauge's `inc` hashes its labels, twice per
   * resource on every scrape.
   */
  private collectJobs(kind: string, resources: Iterable<JobLike>): void {
    const byStatus = new Map<string, number>();
    const bySync = new Map<string, { sync: string; stalled: string; count: number }>();
    for (const obj of resources) {
      const status = obj.status?.status ?? 'NONE';
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      const conditions = obj.status?.conditions;
      const sync = findCondition(conditions, 'Synced')?.reason ?? 'None';
      const stalled = findCondition(conditions, 'Stalled')?.status === 'True' ? 'true' : 'false';
      const tally = bySync.get(`${sync}|${stalled}`);
      if (tally) tally.count++;
      else bySync.set(`${sync}|${stalled}`, { sync, stalled, count: 1 });
    }
    for (const [status, count] of byStatus) this.jobs.set({ status, kind }, count);
    for (const { sync, stalled, count } of bySync.values())
      this.resourcesBySync.set({ sync, stalled, kind }, count);
  }
}

/** What the gauges read of a job resource. */
interface JobLike {
  status?: { status?: string; conditions?: Condition[] };
}

interface Rate {
  account: string;
  region: string;
  operation: string;
  perSecond: number;
}
