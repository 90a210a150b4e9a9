import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const CONTROLLER = 'datasetexportjob';

/**
 * The operator's Prometheus metrics, on a private registry (no global state, so tests can make many). Names
 * follow controller-runtime's where they apply, so existing dashboards work.
 */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Reconciles by result',
    labelNames: ['controller', 'result'] as const,
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Reconciles that failed',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Time per reconcile',
    labelNames: ['controller'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly queueAdds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Keys added to the work queue',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });
  readonly queueRetries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Keys requeued with backoff',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'workqueue_depth',
    help: 'Keys waiting in the work queue',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });
  readonly queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long a key waits in the work queue before a worker takes it',
    labelNames: ['name'] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly awsRequests = new Counter({
    name: 'personalize_operator_aws_requests_total',
    help: 'Calls to Amazon Personalize by operation and outcome (OK or the error code)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly statusWrites = new Counter({
    name: 'personalize_operator_status_writes_total',
    help: 'Status patches written to the API server',
    registers: [this.registry],
  });
  readonly jobs = new Gauge({
    name: 'personalize_operator_jobs',
    help: 'DatasetExportJob resources by AWS status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly resourcesBySync = new Gauge({
    name: 'personalize_operator_resources',
    help: 'DatasetExportJob resources by the reason of their Synced condition (Synced, Paused, Throttled, AccessDenied, SpecMismatch, ...) and whether they are Stalled: what to alert on',
    labelNames: ['sync', 'stalled'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'personalize_operator_job_duration_seconds',
    help: 'Time from AWS creating an export job to its terminal status, by that status',
    labelNames: ['status'] as const,
    buckets: [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400],
    registers: [this.registry],
  });
  readonly health = new Gauge({
    name: 'personalize_operator_healthy',
    help: '1 while a health check passes, 0 while it fails (/healthz fails with it): watch (the API server watches are up) and progress (queued work sees reconciles finish)',
    labelNames: ['check'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'leader_election_master_status',
    help: '1 while this process holds the leader lease',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const result of ['success', 'error', 'requeue_after', 'backoff'])
      this.reconcileTotal.inc({ controller: CONTROLLER, result }, 0);
  }

  reconciled(result: 'success' | 'error' | 'requeue_after' | 'backoff', seconds: number): void {
    this.reconcileTotal.inc({ controller: CONTROLLER, result });
    if (result === 'error' || result === 'backoff') this.reconcileErrors.inc({ controller: CONTROLLER });
    this.reconcileTime.observe({ controller: CONTROLLER }, seconds);
  }
}
