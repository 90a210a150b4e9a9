import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';
import { installCrd } from '../support/operator.js';
import { cliArgs } from '../support/operator-process.js';

const execFileAsync = promisify(execFile);

/** Runs the CLI from source and returns its exit code and output, whatever the code. */
async function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, cliArgs(...args), {
      cwd: packageRoot(),
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the personalize-operator CLI', () => {
  beforeAll(installCrd);

  it.each(['dev', 'run', 'import', 'emulator'])(
    '%s answers --help and -h with its own usage, exit 0',
    async (name) => {
      for (const flag of ['--help', '-h']) {
        const { code, stdout } = await cli([name, flag]);
        expect(code).toBe(0);
        expect(stdout).toMatch(new RegExp(`^personalize-operator ${name} \\[options\\]`));
      }
    },
  );

  it('refuses a missing command with exit 2 and the usage, and tells its version', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^personalize-operator: a command is needed\n\nUsage: personalize-operator <command>/,
    );
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    for (const flag of ['--version', 'version']) {
      const shown = await cli([flag]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toBe(`personalize-operator ${version}\n`);
    }
  });

  it('answers --help at the top with every command, and `npm run dev -- --help` as README shows it', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const name of ['dev', 'run', 'import', 'emulator'])
      expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const npm = await execFileAsync('npm', ['run', '--silent', 'dev', '--', '--help'], {
      cwd: packageRoot(),
    });
    expect(npm.stdout).toMatch(/^personalize-operator dev \[options\]/m);
    // README: after `npm run build`, the CLI runs from the clone with npx.
    const npx = await execFileAsync('npx', ['personalize-operator', 'import', '--help'], {
      cwd: packageRoot(),
    });
    expect(npx.stdout).toMatch(/^personalize-operator import \[options\]/);
  });

  it('refuses a usage error with exit 2, naming the flag and pointing to --help', async () => {
    const unknown = await cli(['run', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain("See 'personalize-operator run --help' for the options.");
    const bad = await cli(['run', '--concurrency', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--concurrency: 0 must be a whole number >= 1');
    const command = await cli(['launch']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "launch"');
    const missing = await cli(['run', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--kubeconfig: cannot read \/nonexistent\/kubeconfig/);
  });

  it('run and import fail fast, naming what is missing: no cluster, no AWS credentials, a port in use', async () => {
    const home = mkdtempSync(join(tmpdir(), 'no-kubeconfig-'));
    const noCluster = await cli(['run'], { ...process.env, HOME: home, KUBECONFIG: '' });
    expect(noCluster.code).toBe(1);
    expect(noCluster.stderr).toMatch(
      /no cluster to run against: .* Give --kubeconfig FILE or set KUBECONFIG/,
    );

    const kubeconfig = inject('kubeconfigPath');
    // No credentials anywhere the SDK's default chain looks.
    const withoutCredentials = {
      ...process.env,
      HOME: home,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const noCredentials = await cli(['run', '--kubeconfig', kubeconfig], withoutCredentials);
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toMatch(
      /no AWS credentials: .* AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );

    // import checks the same things before reading a job, with the same words.
    const importNoCredentials = await cli(
      ['import', '--region', 'us-east-1', '--kubeconfig', kubeconfig],
      withoutCredentials,
    );
    expect(importNoCredentials.code).toBe(1);
    expect(importNoCredentials.stderr).toMatch(
      /no AWS credentials: .* AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    const importNoCluster = await cli(['import', '--region', 'us-east-1'], {
      ...process.env,
      HOME: home,
      KUBECONFIG: '',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    expect(importNoCluster.code).toBe(1);
    expect(importNoCluster.stderr).toMatch(
      /no cluster to run against: .* Give --kubeconfig FILE or set KUBECONFIG .*, or give --include-managed/,
    );
    expect(importNoCluster.stderr).not.toContain('skipTLSVerify');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const inUse = await cli([
        'run',
        '--kubeconfig',
        kubeconfig,
        '--metrics-addr',
        '127.0.0.1:0',
        '--health-addr',
        `127.0.0.1:${port}`,
      ]);
      expect(inUse.code).toBe(1);
      expect(inUse.stderr).toContain(
        `port ${port} is in use (another operator on this machine?): give --health-addr another address`,
      );
    } finally {
      taken.close();
    }
  });
});
