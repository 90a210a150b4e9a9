import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { datasetExportJob } from '../src/api/manifest.js';
import { GROUP, PLURAL, VERSION } from '../src/api/schema.js';
import { startControlPlane } from '../src/local/control-plane.js';
import { freePort } from '../src/local/free-port.js';
import { packageRoot } from '../src/local/package-root.js';
import { buildOperator, operatorNodeOptions, prepareCluster, spawnOperator } from './operator-process.js';
import { sampleProcess } from './process-stats.js';
import { runScript } from './script.js';

/**
 * The operator's memory while it holds N resources whose jobs are finished: N resources with a terminal status
 * are created first, then the operator starts, syncs its cache, checks each (no AWS call is needed) and rests.
 */
const { values } = parseArgs({
  options: {
    resources: { type: 'string', default: '10000' },
    out: { type: 'string', default: join(packageRoot(), 'bench', 'results') },
  },
});
const N = Number(values.resources);
const say = (line: string) => process.stderr.write(`${line}\n`);

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
          for (;;) {
            try {
              await api.createNamespacedCustomObject({
                group: GROUP,
                version: VERSION,
                namespace,
                plural: PLURAL,
                body: datasetExportJob(name, spec),
              });
              break;
            } catch (err) {
              // The API server refuses with 429 while the new CRD's storage initialises.
              if ((err as { code?: number }).code !== 429) throw err;
              await new Promise((r) => setTimeout(r, 500));
            }
          }
          const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          const status = {
            datasetExportJobArn: `arn:aws:personalize:us-east-1:123456789012:dataset-export-job/${name}`,
            jobName: name,
            status: 'ACTIVE',
            observedGeneration: 1,
            creationDateTime: now,
            lastUpdatedDateTime: now,
            conditions: ['Ready', 'Complete', 'Synced'].map((type) => ({
              type,
              status: 'True',
              reason: 'Active',
              message: 'ACTIVE',
              lastTransitionTime: now,
              observedGeneration: 1,
            })),
          };
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
    const healthPort = await freePort();
    const spawnedAt = Date.now();
    child = spawnOperator([
      '--kubeconfig',
      controlPlane.kubeconfigPath,
      '--namespace',
      namespace,
      '--personalize-endpoint',
      'http://127.0.0.1:9',
      '--metrics-addr',
      '127.0.0.1:0',
      '--health-addr',
      `127.0.0.1:${healthPort}`,
      '--log-level',
      'warn',
    ]);
    let readyAt = 0;
    while (!readyAt) {
      const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined);
      if (res?.status === 200) readyAt = Date.now();
      else await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 15_000));
    const sample = sampleProcess(child.pid!);
    const result = {
      date: new Date().toISOString(),
      resources: N,
      nodeOptions: operatorNodeOptions(),
      readyMs: readyAt - spawnedAt,
      restingRssMb: Math.round((sample?.rssBytes ?? 0) / 1048576),
      peakRssMb: Math.round((sample?.peakRssBytes ?? 0) / 1048576),
      cpuSeconds: sample?.cpuSeconds,
    };
    mkdirSync(values.out, { recursive: true });
    writeFileSync(
      join(values.out, `at-rest-${result.date.replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    child?.kill('SIGKILL');
    await controlPlane.stop();
  }
}

runScript(main);
