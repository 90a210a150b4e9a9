import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';
import { cliArgs, spawnCaptured } from '../support/operator-process.js';

const run = promisify(execFile);

describe('personalize-operator dev (README first command)', () => {
  it('starts everything, takes the example to ACTIVE, and stops cleanly on Ctrl-C', async () => {
    const root = packageRoot();
    const dev = spawnCaptured(process.execPath, cliArgs('dev', '--speed', '20', '--poll', '100ms'), {
      cwd: root,
    });
    try {
      for (let i = 0; i < 600 && !dev.output().includes('Press Ctrl-C'); i++)
        await new Promise((r) => setTimeout(r, 100));
      const watchLine = /^\s+(\S+kubectl) --kubeconfig (\S+) get dsej -A -w$/m.exec(dev.output());
      expect(watchLine, dev.output()).not.toBeNull();
      const [, kubectl, kubeconfig] = watchLine as unknown as [string, string, string];
      await run(kubectl, [
        '--kubeconfig',
        kubeconfig,
        'wait',
        '-n',
        'default',
        '--for=condition=Complete',
        '--timeout=60s',
        'dsej/demo-items',
      ]);
      const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'dsej', '-n', 'default']);
      expect(stdout).toMatch(/^demo-items\s+ACTIVE\s+Synced\s+default-demo-items-[0-9a-f]{10}\s/m);
      const s3 = /exports land in (\S+)\)/.exec(dev.output())?.[1] ?? '';
      const job = /default-demo-items-[0-9a-f]{10}/.exec(stdout)?.[0] ?? '';
      expect(existsSync(join(s3, 'demo-exports', 'items', job, 'part-00000.csv'))).toBe(true);
    } finally {
      dev.child.kill('SIGINT');
    }
    expect(await dev.exited).toBe(0);
    expect(dev.output()).toContain('Stopping...');
  });
});
