import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';
import { cliArgs, spawnCaptured } from '../support/operator-process.js';

const run = promisify(execFile);

describe('personalize-operator dev (README first command)', () => {
  it('two runs started together each reach ACTIVE on a cluster of their own, and stop cleanly on Ctrl-C', async () => {
    const root = packageRoot();
    const start = () =>
      spawnCaptured(process.execPath, cliArgs('dev', '--speed', '20', '--poll', '100ms'), { cwd: root });
    const devs = [start(), start()];
    const kubeconfigs: string[] = [];
    try {
      const jobNames = await Promise.all(
        devs.map(async (dev) => {
          for (let i = 0; i < 900 && !dev.output().includes('Press Ctrl-C'); i++)
            await new Promise((r) => setTimeout(r, 100));
          const watchLine = /^\s+(\S+kubectl) --kubeconfig (\S+) get dsej -A -w$/m.exec(dev.output());
          expect(watchLine, dev.output()).not.toBeNull();
          const [, kubectl, kubeconfig] = watchLine as unknown as [string, string, string];
          kubeconfigs.push(kubeconfig);
          expect(kubeconfig).toMatch(/personalize-operator-dev-[^/]+\/kubeconfig$/);
          await run(kubectl, [
            '--kubeconfig',
            kubeconfig,
            'wait',
            '-n',
            'default',
            '--for=condition=Complete',
            '--timeout=90s',
            'dsej/demo-items',
          ]);
          const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'dsej', '-n', 'default']);
          expect(stdout).toMatch(/^demo-items\s+ACTIVE\s+Synced\s+default-demo-items-[0-9a-f]{10}\s/m);
          const s3 = /exports land in (\S+) \(/.exec(dev.output())?.[1] ?? '';
          const job = /default-demo-items-[0-9a-f]{10}/.exec(stdout)?.[0] ?? '';
          expect(existsSync(join(s3, 'demo-exports', 'items', job, 'part-00000.csv'))).toBe(true);
          // The printed shell line points a second terminal at this run: its kubectl sees this run's job.
          const exportLine = /^ {2}(export PATH=.*)$/m.exec(dev.output())?.[1];
          expect(exportLine, dev.output()).toBeDefined();
          const viaShell = await run('bash', [
            '-c',
            `${exportLine} && kubectl get dsej demo-items -o jsonpath='{.status.jobName}'`,
          ]);
          expect(viaShell.stdout).toBe(job);
          return job;
        }),
      );
      // Each resource has its own UID, so its own job name: two clusters, not one seen twice.
      expect(new Set(jobNames).size).toBe(2);
      expect(new Set(kubeconfigs).size).toBe(2);
    } finally {
      for (const dev of devs) dev.child.kill('SIGINT');
    }
    for (const dev of devs) {
      expect(await dev.exited).toBe(0);
      expect(dev.output()).toContain('Stopping...');
    }
    // Nothing left pointing at the stopped servers.
    for (const kubeconfig of kubeconfigs) expect(existsSync(kubeconfig)).toBe(false);
  }, 240_000);
});

describe('personalize-operator dev --no-operator', () => {
  it('prints every demo dataset and a run line that works when pasted into a shell', async () => {
    const root = packageRoot();
    const dataDir = mkdtempSync(join(tmpdir(), 'dev-data-'));
    const dev = spawnCaptured(
      process.execPath,
      cliArgs('dev', '--no-operator', '--speed', '20', '--data-dir', dataDir),
      { cwd: root },
    );
    let operator: ReturnType<typeof spawnCaptured> | undefined;
    let runLine: string | undefined;
    try {
      for (let i = 0; i < 600 && !dev.output().includes('Press Ctrl-C'); i++)
        await new Promise((r) => setTimeout(r, 100));
      for (const type of ['INTERACTIONS', 'ITEMS', 'USERS'])
        expect(dev.output()).toMatch(
          new RegExp(`^  ${type}\\s+arn:aws:personalize:us-east-1:123456789012:dataset/demo/${type}$`, 'm'),
        );
      runLine =
        /^ {2}(AWS_ACCESS_KEY_ID=\S+ AWS_SECRET_ACCESS_KEY=\S+ npx personalize-operator run .*)$/m.exec(
          dev.output(),
        )?.[1];
      expect(runLine, dev.output()).toBeDefined();
      const kubeconfig = /--kubeconfig (\S+)/.exec(runLine ?? '')?.[1] ?? '';
      const kubectl = (...args: string[]) =>
        run('kubectl', ['--kubeconfig', kubeconfig, ...args], { cwd: root });
      await kubectl('apply', '--server-side', '-f', 'crds/');
      const env = { ...process.env };
      delete env.AWS_ACCESS_KEY_ID;
      delete env.AWS_SECRET_ACCESS_KEY;
      operator = spawnCaptured('bash', ['-c', runLine!], { cwd: root, env });
      await kubectl('apply', '-n', 'default', '-f', 'examples/datasetexportjob.yaml');
      await kubectl('wait', '-n', 'default', '--for=condition=Complete', '--timeout=60s', 'dsej/demo-items');
      expect(operator.output()).toContain('"msg":"operator started"');
    } finally {
      await operator?.kill('SIGTERM');
      // The shell's SIGTERM does not reach what npx started: stop the operator itself, found by its command line.
      if (runLine)
        await run('pkill', ['-TERM', '-f', `personalize-operator run ${runLine.split(' run ')[1]}`]).catch(
          () => undefined,
        );
      dev.child.kill('SIGINT');
    }
    expect(await dev.exited).toBe(0);
    // --data-dir keeps the exported files after Ctrl-C.
    expect(readdirSync(join(dataDir, 's3', 'demo-exports', 'items')).length).toBe(1);
  });
});
