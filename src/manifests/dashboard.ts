/**
 * The Grafana dashboard the chart ships (as a ConfigMap for Grafana's dashboard sidecar), defined here once:
 * `npm run synth` writes it into the chart, and the tests compile every query with promtool.
 */

interface Panel {
  title: string;
  /** One query per series; `legend` is Grafana's legend format. */
  targets: { expr: string; legend: string }[];
  unit?: string;
  /** `stat` for single numbers, a time series otherwise. */
  type?: 'timeseries' | 'stat';
}

/** Rows of panels, in reading order: what the jobs do, what AWS says, how the operator itself is doing. */
export const DASHBOARD_PANELS: Panel[] = [
  {
    title: 'Export jobs by AWS status',
    targets: [{ expr: 'sum by (status) (personalize_operator_jobs)', legend: '{{status}}' }],
  },
  {
    title: 'Resources by Synced reason (Stalled: a person must act)',
    targets: [
      {
        expr: 'sum by (sync, stalled) (personalize_operator_resources)',
        legend: '{{sync}} stalled={{stalled}}',
      },
    ],
  },
  {
    title: 'Schedule runs by outcome',
    targets: [
      {
        expr: 'sum by (schedule, outcome) (increase(personalize_operator_schedule_runs_total[1h]))',
        legend: '{{schedule}} {{outcome}}',
      },
    ],
  },
  {
    title: 'AWS calls by operation and outcome',
    unit: 'reqps',
    targets: [
      {
        expr: 'sum by (operation, outcome) (rate(personalize_operator_aws_requests_total[5m]))',
        legend: '{{operation}} {{outcome}}',
      },
    ],
  },
  {
    title: 'Throttled attempts per AWS call (SDK retries included)',
    unit: 'percentunit',
    targets: [
      {
        expr: 'sum by (operation) (rate(personalize_operator_aws_throttled_attempts_total[5m])) / sum by (operation) (rate(personalize_operator_aws_requests_total[5m]))',
        legend: '{{operation}}',
      },
    ],
  },
  {
    title: 'Adaptive client rate (calls/s)',
    unit: 'reqps',
    targets: [
      {
        expr: 'min by (operation) (personalize_operator_aws_rate_limit)',
        legend: '{{operation}}',
      },
    ],
  },
  {
    title: 'Reconciles by result',
    unit: 'ops',
    targets: [
      {
        expr: 'sum by (controller, result) (rate(controller_runtime_reconcile_total[5m]))',
        legend: '{{controller}} {{result}}',
      },
    ],
  },
  {
    title: 'Reconcile latency (p50, p99)',
    unit: 's',
    targets: [
      {
        expr: 'histogram_quantile(0.5, sum by (controller, le) (rate(controller_runtime_reconcile_time_seconds_bucket[5m])))',
        legend: '{{controller}} p50',
      },
      {
        expr: 'histogram_quantile(0.99, sum by (controller, le) (rate(controller_runtime_reconcile_time_seconds_bucket[5m])))',
        legend: '{{controller}} p99',
      },
    ],
  },
  {
    title: 'Work queue depth',
    targets: [{ expr: 'sum by (name) (workqueue_depth)', legend: '{{name}}' }],
  },
  {
    title: 'Status writes',
    unit: 'wps',
    targets: [{ expr: 'sum(rate(personalize_operator_status_writes_total[5m]))', legend: 'writes' }],
  },
  {
    title: 'Health checks (1 = passing) and leader',
    type: 'stat',
    targets: [
      { expr: 'min by (check) (controller_runtime_healthy)', legend: '{{check}}' },
      { expr: 'max(leader_election_master_status)', legend: 'leading' },
    ],
  },
  {
    title: 'Operator memory',
    unit: 'bytes',
    targets: [
      { expr: 'sum(process_resident_memory_bytes{job="$job"})', legend: 'RSS' },
      { expr: 'sum(nodejs_heap_size_used_bytes{job="$job"})', legend: 'V8 heap used' },
    ],
  },
];

/** Grafana's reference to the dashboard's data source variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, meant literally
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** The dashboard JSON Grafana imports (schema 39), with a `job` variable for the operator's targets. */
export function dashboard(): Record<string, unknown> {
  return {
    title: 'personalize-operator',
    uid: 'personalize-operator',
    schemaVersion: 39,
    tags: ['personalize-operator', 'kubernetes', 'aws'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus' },
        {
          name: 'job',
          type: 'query',
          datasource: DATASOURCE,
          query: 'label_values(personalize_operator_status_writes_total, job)',
        },
      ],
    },
    panels: DASHBOARD_PANELS.map((panel, i) => ({
      id: i + 1,
      title: panel.title,
      type: panel.type ?? 'timeseries',
      datasource: DATASOURCE,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit ?? 'short' }, overrides: [] },
      targets: panel.targets.map((t, j) => ({
        refId: String.fromCharCode(65 + j),
        expr: t.expr,
        legendFormat: t.legend,
      })),
    })),
  };
}
