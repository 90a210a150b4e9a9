import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../src/api/group.js';
import { exportJob } from '../src/kinds/dataset-export-job/job.js';
import { datasetExportJob } from '../src/kinds/dataset-export-job/manifest.js';
import { PLURAL } from '../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob, DatasetExportJobStatus } from '../src/kinds/dataset-export-job/types.js';
import { startControlPlane } from '../src/local/control-plane.js';
import { packageRoot } from '../src/local/package-root.js';
import { decide } from '../src/personalize-job/decide.js';
import type { Update } from '../src/personalize-job/decision.js';
import { identityOf } from '../src/personalize-job/identity.js';
import { lifecycleView, storedStatus } from '../src/personalize-job/job-resource.js';
import type { Identity } from '../src/personalize-job/observation.js';
import { updateHistory } from './history.js';
import { readNodeMemory } from './node-memory.js';
import {
  buildOperator,
  IMAGE_NODE_FLAGS,
  operatorNodeOptions,
  prepareCluster,
  spawnOperator,
} from './operator-process.js';
import { sampleProcess } from './process-stats.js';
import { benchArgs, runScript } from './script.js';

const RESULTS = join(packageRoot(), 'bench', 'results');

/**
 * The operator's memory while it holds N resources whose jobs are finished: N resources with a terminal status
 * are created first, then the operator starts, syncs its cache, checks each (no AWS call is needed) and rests.
 */
const values = benchArgs(
  `npm run bench:at-rest -- [options]

Creates N DatasetExportJobs whose jobs are finished, starts the operator (the compiled dist/, the image's Node
flags), and records how long it takes to be ready and its memory at rest in bench/results/.
  --resources N    finished resources (default 10000)
  --out DIR        where results go (default bench/results)`,
  {
    resources: { type: 'string', default: '10000' },
    out: { type: 'string', default: RESULTS },
  },
);
const N = Number(values.resources);
const say = (line: string) => process.stderr.write(`${line}\n`);

/** The status the operator itself writes for a finished job, so the cache holds what it would in production. */
function finishedStatus(obj: DatasetExportJob): DatasetExportJobStatus {
  const view = lifecycleView(obj, exportJob.arnField);
  const identity = identityOf(exportJob, view, {}) as Identity;
  const now = new Date();
  const job = {
    arn: identity.arn,
    jobName: identity.jobName,
    parentArn: obj.spec.datasetArn,
    status: 'ACTIVE',
    creationDateTime: now,
    lastUpdatedDateTime: now,
  };
  const settings = { kind: exportJob, now, pollDelay: () => 0, actionableRetryMs: 0 };
  const { status } = decide(view, identity, { kind: 'found', job }, settings, {
    createdHere: true,
  }) as Update;
  return storedStatus(status, exportJob.arnField) as DatasetExportJobStatus;
}

async function main(): Promise<void> {
  await buildOperator();
  const controlPlane = await startControlPlane();
  let child: ChildProcess | undefined;
  try {
    const namespace = 'rest';
    const { api } = await prepareCluster(controlPlane, namespace);
    const started = Date.now();
    const queue = Array.from({ length: N }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const name = `job-${String(i).padStart(5, '0')}`;
          const spec = {
            datasetArn: `arn:aws:personalize:us-east-1:123456789012:dataset/rest-${i % 10}/ITEMS`,
            roleArn: 'arn:aws:iam::123456789012:role/bench',
            jobOutput: { s3DataDestination: { path: 's3://bench/rest/' } },
          };
          let created: DatasetExportJob | undefined;
          while (!created) {
            try {
              created = (await api.createNamespacedCustomObject({
                group: GROUP,
                version: VERSION,
                namespace,
                plural: PLURAL,
                body: datasetExportJob(name, spec),
              })) as DatasetExportJob;
            } catch (err) {
              // The API server refuses with 429 while the new CRD's storage initialises.
              if ((err as { code?: number }).code !== 429) throw err;
              await new Promise((r) => setTimeout(r, 500));
            }
          }
          const status = finishedStatus(created);
          await api.patchNamespacedCustomObjectStatus(
            { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { status } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
        }
      }),
    );
    say(
      `${N} finished resources in place after ${((Date.now() - started) / 1000).toFixed(0)} s; starting the operator`,
    );
    const operator = await spawnOperator({
      kubeconfigPath: controlPlane.kubeconfigPath,
      namespace,
      personalizeEndpoint: 'http://127.0.0.1:9',
      nodeOptions: '--max-semi-space-size=1 --heapsnapshot-signal=SIGUSR2',
    });
    child = operator.child;
    let readyAt = 0;
    while (!readyAt) {
      const res = await fetch(operator.readyzUrl).catch(() => undefined);
      if (res?.status === 200) readyAt = Date.now();
      else await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 15_000));
    const sample = sampleProcess(child.pid!);
    child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 20_000));
    // Where the resting memory sits, as Node sees it: V8's heap spaces, memory outside them, and RSS.
    const memory = await readNodeMemory(operator.metricsUrl);
    const result = {
      date: new Date().toISOString(),
      resources: N,
      nodeOptions: operatorNodeOptions(),
      nodeFlags: IMAGE_NODE_FLAGS,
      node: process.version,
      readyMs: readyAt - operator.spawnedAt,
      restingRssMb: Math.round((sample?.rssBytes ?? 0) / 1048576),
      peakRssMb: Math.round((sample?.peakRssBytes ?? 0) / 1048576),
      cpuSeconds: sample?.cpuSeconds,
      memory,
    };
    mkdirSync(values.out, { recursive: true });
    writeFileSync(
      join(values.out, `at-rest-${result.date.replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (resolve(values.out) === resolve(RESULTS)) updateHistory(packageRoot(), RESULTS);
  } finally {
    child?.kill('SIGKILL');
    await controlPlane.stop();
  }
}

runScript(main);
