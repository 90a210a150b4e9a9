import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/local/free-port.js';
import { imageEntrypoint, imageEnv } from '../../src/local/image-env.js';
import { packageRoot } from '../../src/local/package-root.js';
import { installCrd, type Stack, spec, startStack } from '../support/operator.js';
import { spawnCaptured } from '../support/operator-process.js';

const run = promisify(execFile);

/**
 * No Docker engine exists here, so this reproduces the Dockerfile's stages step by step: the build stage's
 * bundle, then the runtime stage's files alone in a fresh folder (package.json, the bundle, the examples: no
 * node_modules) and the image's Node major (24, from the npm package `node`), then the image's entrypoint
 * against the real control plane.
 */
describe("the container image's runtime stage", () => {
  const root = packageRoot();
  const entrypoint = imageEntrypoint();
  const packageVersion = () =>
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const app = mkdtempSync(join(tmpdir(), 'image-runtime-'));
  let node24 = '';
  let stack: Stack;

  beforeAll(async () => {
    await run('npm', ['run', '--silent', 'bundle'], { cwd: root });
    cpSync(join(root, 'package.json'), join(app, 'package.json'));
    cpSync(join(root, 'dist/bundle'), join(app, 'dist/bundle'), { recursive: true });
    cpSync(join(root, 'examples'), join(app, 'examples'), { recursive: true });
    const { stdout } = await run('npx', ['-y', '-p', 'node@24', '--', 'node', '-p', 'process.execPath'], {
      cwd: app,
    });
    node24 = stdout.trim();
    await installCrd();
    stack = await startStack();
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(app, { recursive: true, force: true });
  });

  it('runs on Node 24 from its bundle alone, with no node_modules anywhere above it', async () => {
    expect((await run(node24, ['--version'])).stdout).toMatch(/^v24\./);
    for (let dir = app; dir !== dirname(dir); dir = dirname(dir))
      expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
    const { stdout } = await run(node24, [entrypoint.script, '--help'], { cwd: app });
    expect(stdout).toMatch(/Usage: personalize-operator <command>/);
    const { stdout: version } = await run(node24, [entrypoint.script, '--version'], { cwd: app });
    expect(version.trim()).toBe(`personalize-operator ${packageVersion()}`);
  });

  it("reconciles a resource to ACTIVE with the image's environment and Node flags, and stops on SIGTERM with exit 0", async () => {
    const metricsPort = await freePort();
    const operator = spawnCaptured(
      node24,
      [
        ...entrypoint.nodeFlags,
        entrypoint.script,
        'run',
        '--kubeconfig',
        inject('kubeconfigPath'),
        '--personalize-endpoint',
        stack.aws.emulator.url,
        '--namespace',
        stack.namespace,
        '--poll-min',
        '50ms',
        '--metrics-addr',
        `127.0.0.1:${metricsPort}`,
        '--health-addr',
        '127.0.0.1:0',
      ],
      { cwd: app, env: { ...process.env, ...imageEnv() } },
    );
    try {
      await stack.create('from-image', spec());
      await stack.waitFor('from-image', (o) => o.status?.status === 'ACTIVE', 30_000);
      // The image's NODE_OPTIONS reach V8 on Node 24: the young generation stays at two 1 MB semi-spaces.
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const newSpace = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics)?.[1];
      expect(Number(newSpace)).toBeGreaterThan(0);
      expect(Number(newSpace)).toBeLessThanOrEqual(2 * 1024 * 1024);
    } finally {
      operator.child.kill('SIGTERM');
    }
    expect(await operator.exited, operator.output()).toBe(0);
    expect(operator.output()).toMatch(/"msg":"operator stopped"/);
  });
});
