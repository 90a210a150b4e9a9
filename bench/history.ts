/**
 * The benchmark's history page (`docs/benchmark-history.md`), written from the results in `bench/results/`:
 * one row per run, newest first, so the figures the docs quote are the figures the runs recorded.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface FleetResult {
  label?: string;
  date: string;
  config: { jobs: number; datasets: number; rate: number; jobSeconds?: number; node?: string };
  wallOverFloor: number;
  statusLagMs: { p99: number };
  statusReadCalls: number;
  ackRatio: number;
  statusWritesPerJob: number;
  successfulCreatesPerJob?: number;
  awsCallsPerJob: Record<string, number>;
  throttled?: Record<string, { share: number }>;
  operator?: { idle?: { rssMb: number }; peakRssMb: number; restingRssMb: number; cpuSeconds: number };
  peakRssMb?: number;
}

interface AtRestResult {
  date: string;
  resources: number;
  node?: string;
  readyMs: number;
  restingRssMb: number;
  peakRssMb: number;
  cpuSeconds?: number;
}

export const HISTORY_PAGE = 'docs/benchmark-history.md';

const read = <T>(dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const fixed = (value: number | undefined, digits: number) =>
  value === undefined ? '—' : value.toFixed(digits);

function fleetRow(r: FleetResult): string {
  const create = 'CreateDatasetExportJob';
  const throttled = r.throttled?.[create]?.share;
  const operator = r.operator;
  return [
    `${day(r.date)}${r.label ? ` (${r.label})` : ''}`,
    `${r.config.jobs} / ${r.config.datasets} / ${r.config.rate}/s`,
    r.config.node ?? 'v20',
    fixed(r.wallOverFloor, 2),
    `${fixed(r.successfulCreatesPerJob ?? r.awsCallsPerJob[create], 2)}${throttled === undefined ? '' : ` (${(100 * throttled).toFixed(2)} %)`}`,
    `${r.statusReadCalls} (${fixed(r.ackRatio, 1)}×)`,
    `${fixed(r.statusLagMs.p99 / 1000, 1)} s`,
    fixed(r.statusWritesPerJob, 2),
    operator?.idle ? `${operator.idle.rssMb} MB` : '—',
    operator ? `${operator.peakRssMb} / ${operator.restingRssMb} MB` : `${r.peakRssMb ?? '—'} MB`,
    operator
      ? `${operator.cpuSeconds.toFixed(1)} s (${((1000 * operator.cpuSeconds) / r.config.jobs).toFixed(1)} ms/job)`
      : '—',
  ].join(' | ');
}

function atRestRow(r: AtRestResult): string {
  return [
    day(r.date),
    String(r.resources),
    r.node ?? 'v20',
    `${(r.readyMs / 1000).toFixed(1)} s`,
    `${r.restingRssMb} / ${r.peakRssMb} MB`,
    r.cpuSeconds === undefined ? '—' : `${r.cpuSeconds.toFixed(1)} s`,
  ].join(' | ');
}

/** The page for the results in `dir`. */
export function renderHistory(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .reverse();
  const fleet = files.filter((f) => !f.startsWith('at-rest-')).map((f) => read<FleetResult>(dir, f));
  const atRest = files.filter((f) => f.startsWith('at-rest-')).map((f) => read<AtRestResult>(dir, f));
  return `<!-- Generated from bench/results/ by npm run bench and npm run bench:at-rest. Do not edit. -->
# Benchmark history

Every recorded run, newest first (times UTC; each run's full table is \`bench/results/<time>.md\`). What the
figures mean and why they moved: [benchmarks.md](benchmarks.md).

## A fleet of export jobs (\`npm run bench\`)

| run | jobs / datasets / AWS limit | Node | wall / floor | Create per job (throttled) | status reads (ACK ×) | transition → .status p99 | status writes per job | operator idle RSS | operator peak / resting RSS | operator CPU |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${fleet.map((r) => `| ${fleetRow(r)} |`).join('\n')}

## Finished resources at rest (\`npm run bench:at-rest\`)

| run | resources | Node | ready after start | resting / peak RSS | CPU |
| --- | --- | --- | --- | --- | --- |
${atRest.map((r) => `| ${atRestRow(r)} |`).join('\n')}
`;
}

/** Rewrites the page after a run that recorded into the repository's results. */
export function updateHistory(root: string, dir: string): void {
  writeFileSync(join(root, HISTORY_PAGE), renderHistory(dir));
}
