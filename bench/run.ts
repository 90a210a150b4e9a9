import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventsV1Api } from '@kubernetes/client-node';
import { pino } from 'pino';
import { GROUP, VERSION } from '../src/api/group.js';
import type { Seed } from '../src/emulator/seed.js';
import { startEmulator } from '../src/emulator/server.js';
import { datasetExportJob } from '../src/kinds/dataset-export-job/manifest.js';
import { PLURAL } from '../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../src/kinds/dataset-export-job/types.js';
import { startControlPlane } from '../src/local/control-plane.js';
import { packageRoot } from '../src/local/package-root.js';
import { ResilientInformer } from '../src/runtime/informer.js';
import { cpuBudgetLine, cpuMeter } from './cpu-budget.js';
import { fleetSvg, statusTimeline } from './fleet-chart.js';
import { updateHistory } from './history.js';
import { type NodeMemory, readClientRates, readNodeMemory } from './node-memory.js';
import {
  buildOperator,
  IMAGE_NODE_FLAGS,
  operatorNodeOptions,
  prepareCluster,
  spawnOperator,
} from './operator-process.js';
import { type ProcessSample, percentile, sampleProcess } from './process-stats.js';
import { benchArgs, runScript } from './script.js';

const RESULTS = join(packageRoot(), 'bench', 'results');

const TERMINAL = new Set(['ACTIVE', 'CREATE FAILED']);
const ACK_POLL_SECONDS = 30;

const BENCH_USAGE = `npm run bench -- [options]

Starts the local control plane, the emulator and the operator (the compiled dist/, the image's Node flags),
applies N DatasetExportJobs at once, waits until all are terminal, restarts the operator, and records the run in
bench/results/ (and docs/benchmark-history.md when recording there).
  --jobs N                 resources to apply (default 100)
  --datasets N             datasets they spread over (default 10)
  --speed N                divide a 10-minute export by N (default 10: 60 s jobs)
  --job-seconds S          the job length directly, instead of --speed
  --rate N, --burst N      the emulator's limit per operation (default 20/s, burst 40)
  --status-source list|describe
                           how the operator reads running jobs (default list)
  --client-rate N, --client-burst N
                           the operator's starting AWS rate (default: its own)
  --concurrency N          the operator's --concurrency (default 16)
  --idle-seconds S         first measure the operator idle (CRDs installed, no resources) S seconds after
                           its start (default 60; 0 skips it)
  --node-options TEXT      NODE_OPTIONS for the operator instead of the image's
  --label TEXT             a label recorded with the run
  --out DIR                where results go (default bench/results)`;

const values = benchArgs(BENCH_USAGE, {
  jobs: { type: 'string', default: '100' },
  datasets: { type: 'string', default: '10' },
  speed: { type: 'string' },
  'job-seconds': { type: 'string' },
  rate: { type: 'string', default: '20' },
  burst: { type: 'string', default: '40' },
  'status-source': { type: 'string', default: 'list' },
  out: { type: 'string', default: RESULTS },
  label: { type: 'string', default: '' },
  concurrency: { type: 'string', default: '16' },
  'node-options': { type: 'string', default: '' },
  'idle-seconds': { type: 'string', default: '60' },
  'client-rate': { type: 'string' },
  'client-burst': { type: 'string' },
});
const N = Number(values.jobs);
const D = Number(values.datasets);
// Export jobs have no documented duration (AWS's own example polls for up to 3 hours): a 10-minute export is the
// unit that --speed divides, so the default speed 10 makes the minute-long jobs the targets are set for.
const REAL_EXPORT_SECONDS = 600;
if (values.speed !== undefined && values['job-seconds'] !== undefined) {
  throw new Error('--speed and --job-seconds both set the job length: give one');
}
const jobSeconds =
  values['job-seconds'] !== undefined
    ? Number(values['job-seconds'])
    : REAL_EXPORT_SECONDS / Number(values.speed ?? '10');
const rate = Number(values.rate);
const burst = Number(values.burst);
const idleSeconds = Number(values['idle-seconds']);
if (!(idleSeconds >= 0)) throw new Error('--idle-seconds must be a number >= 0');
for (const [flag, v] of Object.entries({
  jobs: N,
  datasets: D,
  'speed or --job-seconds': jobSeconds,
  rate,
  burst,
})) {
  if (!(v > 0 && Number.isFinite(v))) throw new Error(`--${flag} must be a number > 0`);
}
const say = (line: string) => process.stderr.write(`${line}\n`);
const memoryLine = (m: NodeMemory | undefined) =>
  m
    ? `${m.heapUsedMb.toFixed(0)} / ${m.heapTotalMb.toFixed(0)} MB (${Object.entries(m.heapSpacesMb)
        .map(([space, size]) => `${space} ${size.toFixed(0)}`)
        .join(', ')}), ${m.externalMb.toFixed(0)} MB at ${m.rssMb.toFixed(0)} MB RSS`
    : 'not sampled';

function datasetSeed(): Seed {
  const schema = { type: 'record', name: 'Items', fields: [{ name: 'ITEM_ID', type: 'string' }] };
  return {
    datasetGroups: Array.from({ length: D }, (_, i) => ({
      name: `bench-${i}`,
      datasets: [{ type: 'Items', schema, records: [{ origin: 'PUT', csv: 'ITEM_ID\ni1\ni2\n' }] }],
    })),
  };
}

async function main(): Promise<void> {
  say(`benchmark on Node.js ${process.version} (${process.execPath})`);
  say('building the operator (the bundle the image runs)...');
  await buildOperator();
  const controlPlane = await startControlPlane();
  const emulator = await startEmulator({
    logger: pino({ level: 'silent' }),
    seed: datasetSeed(),
    durations: { exportPendingMs: jobSeconds * 100, exportInProgressMs: jobSeconds * 900 },
  });
  const children: ChildProcess[] = [];
  try {
    const admin = async <T>(path: string, init?: RequestInit) =>
      (await (await fetch(`${emulator.url}/_emulator/${path}`, init)).json()) as T;
    const limit = { perSecond: rate, burst };
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify({
        rateLimits: {
          CreateDatasetExportJob: limit,
          DescribeDatasetExportJob: limit,
          ListDatasetExportJobs: limit,
        },
      }),
    });
    const namespace = 'bench';
    const { kc, api } = await prepareCluster(controlPlane, namespace);

    // Per resource: when it was applied, when each status first appeared in a watch, and status writes.
    const applied = new Map<string, number>();
    const seen = new Map<string, Map<string, number>>();
    const writes = new Map<string, number>();
    // The operator's own resilient informer: a plain watch opened right after the CRD is established can
    // be refused (429, storage initializing) and would silently stop.
    const watch = new ResilientInformer<DatasetExportJob>({
      kubeConfig: kc,
      resource: { group: GROUP, version: VERSION, plural: PLURAL, namespace },
      watchTimeoutSeconds: 300,
      onChange: (obj) => {
        const name = obj.metadata?.name ?? '';
        if (obj.status) writes.set(name, (writes.get(name) ?? 0) + 1);
        const status = obj.status?.status;
        if (!status) return;
        const statuses = seen.get(name) ?? new Map<string, number>();
        if (!statuses.has(status)) statuses.set(status, Date.now());
        seen.set(name, statuses);
      },
      onDelete: () => undefined,
      logger: pino({ level: 'silent' }),
    });
    await watch.start();
    const create = async (i: number) => {
      const name = `job-${String(i).padStart(5, '0')}`;
      applied.set(name, Date.now());
      await api.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        body: datasetExportJob(name, {
          datasetArn: `arn:aws:personalize:us-east-1:123456789012:dataset/bench-${i % D}/ITEMS`,
          roleArn: 'arn:aws:iam::123456789012:role/bench',
          jobOutput: { s3DataDestination: { path: `s3://bench/out-${i % D}/` } },
        }),
      });
    };
    const startOperator = async () => {
      const operator = await spawnOperator({
        kubeconfigPath: controlPlane.kubeconfigPath,
        namespace,
        personalizeEndpoint: emulator.url,
        // The operator is not told the server's rate (AWS publishes none): it starts at its own default and
        // adapts, unless --client-rate/--client-burst say otherwise.
        args: [
          ...(values['client-rate'] ? ['--aws-rate', values['client-rate']] : []),
          ...(values['client-burst'] ? ['--aws-burst', values['client-burst']] : []),
          '--concurrency',
          values.concurrency,
          '--status-source',
          values['status-source'],
        ],
        nodeOptions: values['node-options'],
      });
      children.push(operator.child);
      return operator;
    };
    const samples: { at: number; rss: number; cpu: number }[] = [];
    const sampler = (pid: number) =>
      setInterval(() => {
        const s = sampleProcess(pid);
        if (s) samples.push({ at: Date.now(), rss: s.rssBytes, cpu: s.cpuSeconds });
      }, 250);
    // The profile behind the peak: the breakdown Node reports when its RSS was highest (sampled every second).
    let memoryAtPeak: NodeMemory | undefined;
    const heapSampler = (metricsUrl: string) =>
      setInterval(async () => {
        const m = await readNodeMemory(metricsUrl);
        if (m && m.rssMb > (memoryAtPeak?.rssMb ?? 0)) memoryAtPeak = m;
      }, 1_000);

    // Idle: what the operator holds before any resource exists, the floor of every pod's memory.
    let idle: ProcessSample | undefined;
    if (idleSeconds > 0) {
      const idler = await startOperator();
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      if (idler.child.exitCode !== null) throw new Error(`the operator exited with ${idler.child.exitCode}`);
      idle = sampleProcess(idler.child.pid!);
      idler.child.kill('SIGTERM');
      await new Promise((r) => idler.child.once('exit', r));
      say(
        `operator idle ${idleSeconds} s after starting: RSS ${((idle?.rssBytes ?? 0) / 1048576).toFixed(1)} MB`,
      );
    }

    // Cold start: one resource exists before the operator starts; its Create marks the first reconcile.
    await create(0);
    const first = await startOperator();
    const firstSampler = sampler(first.child.pid!);
    const firstMetricsUrl = first.metricsUrl;
    const firstHeapSampler = heapSampler(firstMetricsUrl);
    const allTerminal = async (count: number) => {
      for (;;) {
        let done = 0;
        for (const statuses of seen.values()) if ([...statuses.keys()].some((s) => TERMINAL.has(s))) done++;
        if (done >= count) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    let firstCreateAt = 0;
    for (; !firstCreateAt; await new Promise((r) => setTimeout(r, 20))) {
      // An operator that could not start (a refused flag) would otherwise be waited for forever.
      if (first.child.exitCode !== null) throw new Error(`the operator exited with ${first.child.exitCode}`);
      const { jobs } = await admin<{ jobs: { history: { at: number }[] }[] }>('jobs');
      firstCreateAt = jobs[0]?.history[0]?.at ?? 0;
    }
    say(
      `operator reconciled its first resource ${firstCreateAt - first.spawnedAt} ms after starting; applying ${N - 1} more`,
    );
    const started = Date.now();
    // Every process on this machine that the run keeps busy: the benchmark itself holds the emulator.
    const cpu = cpuMeter(() => ({
      ...controlPlane.pids(),
      operator: first.child.pid!,
      'benchmark and emulator': process.pid,
    }));
    // AWS calls per operation, read from the emulator every second, for the picture.
    const callSamples: { at: number; calls: Record<string, number> }[] = [];
    const callSampler = setInterval(async () => {
      const { operations } = await admin<{ operations: Record<string, { calls: number }> }>('stats');
      callSamples.push({
        at: Date.now(),
        calls: Object.fromEntries(Object.entries(operations).map(([op, s]) => [op, s.calls])),
      });
    }, 1_000);
    const queue = Array.from({ length: N - 1 }, (_, i) => i + 1);
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await create(i);
      }),
    );
    const appliedAllAt = Date.now();
    say(
      `applied in ${((appliedAllAt - started) / 1000).toFixed(1)} s; waiting for all ${N} to be terminal...`,
    );
    await allTerminal(N);
    const finished = Date.now();
    const cpuDuringRun = cpu.stop();
    clearInterval(callSampler);
    const clientRates = await readClientRates(firstMetricsUrl);
    await new Promise((r) => setTimeout(r, 5_000));
    const atRest = sampleProcess(first.child.pid!);
    // Where the resting memory sits, as Node sees it: V8 heap, memory outside it (buffers, TLS), and RSS.
    const memoryAtRest = await readNodeMemory(firstMetricsUrl);
    clearInterval(firstSampler);
    clearInterval(firstHeapSampler);
    const peak = sampleProcess(first.child.pid!);

    const { jobs } = await admin<{
      jobs: { datasetExportJobArn: string; history: { status: string; at: number }[] }[];
    }>('jobs');
    const stats = (
      await admin<{ operations: Record<string, { calls: number; outcomes: Record<string, number> }> }>(
        'stats',
      )
    ).operations;
    const events = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
    const objects = (await api.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
    })) as {
      items: DatasetExportJob[];
    };
    const byArn = new Map(jobs.map((j) => [j.datasetExportJobArn, j]));
    const createLatency: number[] = [];
    const statusLag: number[] = [];
    let transitions = 0;
    let ackDescribes = 0;
    for (const obj of objects.items) {
      const name = obj.metadata?.name ?? '';
      const job = byArn.get(obj.status?.datasetExportJobArn ?? '');
      if (!job) continue;
      // job-00000 was applied before the operator started: its latency is the cold start, reported apart.
      if (name !== 'job-00000') createLatency.push(job.history[0]!.at - applied.get(name)!);
      const statuses = seen.get(name) ?? new Map<string, number>();
      for (const step of job.history) {
        const at = statuses.get(step.status);
        if (at !== undefined) {
          statusLag.push(Math.max(0, at - step.at));
          transitions++;
        }
      }
      const lifetime = job.history.at(-1)!.at - job.history[0]!.at;
      ackDescribes += 1 + Math.ceil(lifetime / (ACK_POLL_SECONDS * 1000));
    }
    const calls = (op: string) => stats[op]?.calls ?? 0;
    const reads = calls('DescribeDatasetExportJob') + calls('ListDatasetExportJobs');
    const floorSeconds = N / rate + jobSeconds;
    const wallSeconds = (finished - started) / 1000;

    // Restart with every resource present and terminal: all must be re-verified, none created again.
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    await admin('reset?what=stats', { method: 'POST' });
    const second = await startOperator();
    let reverifiedAt = 0;
    for (; !reverifiedAt; await new Promise((r) => setTimeout(r, 50))) {
      const ready = await fetch(second.readyzUrl).catch(() => undefined);
      if (ready?.status === 200) reverifiedAt = Date.now();
    }
    // Settled resources need no AWS call: once the cache is synced, every one has been checked.
    await new Promise((r) => setTimeout(r, 2_000));
    const restartStats = (await admin<{ operations: Record<string, { calls: number }> }>('stats')).operations;
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    await watch.stop();

    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    const result = {
      label: values.label,
      date: new Date().toISOString(),
      config: {
        jobs: N,
        datasets: D,
        jobSeconds,
        rate,
        burst,
        statusSource: values['status-source'],
        concurrency: values.concurrency,
        clientRate: values['client-rate'] ?? 'operator default',
        clientBurst: values['client-burst'] ?? 'operator default',
        nodeOptions: operatorNodeOptions(values['node-options']),
        nodeFlags: IMAGE_NODE_FLAGS,
        node: process.version,
      },
      wallSeconds,
      floorSeconds,
      wallOverFloor: wallSeconds / floorSeconds,
      applySeconds: (appliedAllAt - started) / 1000,
      cpuDuringRun,
      createLatencyMs: {
        p50: percentile(createLatency, 50),
        p95: percentile(createLatency, 95),
        p99: percentile(createLatency, 99),
      },
      statusLagMs: {
        p50: percentile(statusLag, 50),
        p95: percentile(statusLag, 95),
        p99: percentile(statusLag, 99),
      },
      awsCallsPerJob: Object.fromEntries(Object.entries(stats).map(([op, s]) => [op, s.calls / N])),
      awsOutcomes: stats,
      throttled: Object.fromEntries(
        Object.entries(stats).map(([op, s]) => {
          const refused = s.outcomes.LimitExceededException ?? 0;
          return [op, { calls: s.calls, throttled: refused, share: refused / Math.max(1, s.calls) }];
        }),
      ),
      successfulCreatesPerJob: (stats.CreateDatasetExportJob?.outcomes.OK ?? 0) / N,
      clientRatesReached: clientRates,
      statusReadCalls: reads,
      ackPolicyStatusReadCalls: ackDescribes,
      ackRatio: ackDescribes / Math.max(1, reads),
      statusWritesPerJob: [...writes.values()].reduce((a, b) => a + b, 0) / N,
      observedTransitionsPerJob: transitions / N,
      eventsPerJob: events.items.length / N,
      operator: {
        idle: idle && { seconds: idleSeconds, rssMb: mb(idle.rssBytes), cpuSeconds: idle.cpuSeconds },
        peakRssMb: mb(Math.max(peak?.peakRssBytes ?? 0, ...samples.map((s) => s.rss))),
        restingRssMb: mb(atRest?.rssBytes ?? 0),
        memoryAtRest,
        memoryAtPeak,
        cpuSeconds: peak?.cpuSeconds ?? 0,
        cpuMsPerJob: ((peak?.cpuSeconds ?? 0) * 1000) / N,
        coldStartToFirstReconcileMs: firstCreateAt - first.spawnedAt,
        restartToReverifiedMs: reverifiedAt - second.spawnedAt,
        restartAwsCalls: restartStats,
      },
    };
    mkdirSync(values.out, { recursive: true });
    const stamp = result.date.replace(/[:.]/g, '-');
    writeFileSync(join(values.out, `${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const table = [
      `| measure | value |`,
      `| --- | --- |`,
      `| jobs / datasets / job length | ${N} / ${D} / ${jobSeconds} s (rate limit ${rate}/s, burst ${burst}, status source ${values['status-source']}) |`,
      `| wall time until all terminal | ${wallSeconds.toFixed(1)} s (floor ${floorSeconds.toFixed(1)} s, ratio ${result.wallOverFloor.toFixed(2)}) |`,
      `| CPU during the run, by process | ${cpuBudgetLine(cpuDuringRun)} |`,
      `| apply → Create p50 / p95 / p99 | ${result.createLatencyMs.p50} / ${result.createLatencyMs.p95} / ${result.createLatencyMs.p99} ms |`,
      `| AWS transition → .status p50 / p95 / p99 | ${result.statusLagMs.p50} / ${result.statusLagMs.p95} / ${result.statusLagMs.p99} ms |`,
      ...Object.entries(result.awsCallsPerJob).map(
        ([op, v]) =>
          `| ${op} per job (throttled share) | ${v.toFixed(2)} (${(100 * (result.throttled[op]?.share ?? 0)).toFixed(2)} %) |`,
      ),
      `| successful Creates per job | ${result.successfulCreatesPerJob.toFixed(2)} |`,
      `| client rate reached (calls/s) | ${Object.entries(clientRates)
        .map(([op, r]) => `${op} ${r}`)
        .join(', ')} |`,
      `| status-reading calls: ours vs ACK policy | ${reads} vs ${ackDescribes} (ACK makes ${result.ackRatio.toFixed(1)}×) |`,
      `| status writes per job (observed transitions) | ${result.statusWritesPerJob.toFixed(2)} (${result.observedTransitionsPerJob.toFixed(2)}) |`,
      `| events per job | ${result.eventsPerJob.toFixed(2)} |`,
      idle
        ? `| operator RSS idle (${idleSeconds} s after start, no resources) | ${result.operator.idle?.rssMb} MB |`
        : '| operator RSS idle | not measured (--idle-seconds 0) |',
      `| operator peak RSS / at rest / CPU (per job) | ${result.operator.peakRssMb} MB / ${result.operator.restingRssMb} MB / ${result.operator.cpuSeconds.toFixed(1)} s (${result.operator.cpuMsPerJob.toFixed(1)} ms) |`,
      `| V8 heap used / reserved, external: at peak; at rest | ${memoryLine(memoryAtPeak)}; ${memoryLine(memoryAtRest)} |`,
      `| cold start → first reconcile | ${result.operator.coldStartToFirstReconcileMs} ms |`,
      `| restart → all re-verified (AWS calls) | ${result.operator.restartToReverifiedMs} ms (${JSON.stringify(Object.fromEntries(Object.entries(restartStats).map(([k, v]) => [k, v.calls])))}) |`,
    ].join('\n');
    writeFileSync(join(values.out, `${stamp}.md`), `${table}\n`);
    const svg = await fleetSvg({
      title: `${N} jobs on ${D} datasets, ${jobSeconds} s each, AWS limit ${rate}/s: wall ${wallSeconds.toFixed(0)} s, ${result.wallOverFloor.toFixed(2)}× the floor`,
      statuses: statusTimeline(applied, seen, started, finished),
      calls: callSamples.slice(1).flatMap((s, i) =>
        Object.entries(s.calls).map(([operation, calls]) => ({
          t: Math.round((s.at - started) / 1000),
          operation,
          perSecond:
            (calls - (callSamples[i]?.calls[operation] ?? 0)) /
            ((s.at - (callSamples[i]?.at ?? s.at)) / 1000 || 1),
        })),
      ),
      rss: samples
        .filter((s) => s.at >= started && s.at <= finished)
        .map((s) => ({ t: (s.at - started) / 1000, mb: mb(s.rss) })),
      floorSeconds,
    });
    writeFileSync(join(values.out, `${stamp}.svg`), svg);
    // The picture README shows: always the latest run's.
    writeFileSync(join(values.out, 'latest.svg'), svg);
    process.stdout.write(`${table}\n\nresults: ${join(values.out, `${stamp}.json`)}\n`);
    if (resolve(values.out) === resolve(RESULTS)) updateHistory(packageRoot(), RESULTS);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await emulator.close();
    await controlPlane.stop();
  }
}

runScript(main);
