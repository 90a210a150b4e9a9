import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';

const run = promisify(execFile);

// Benchmarks run on demand (npm run bench); this small run only keeps the script working.
describe('benchmark script (smoke, N = 20)', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs end to end and reports every figure', async () => {
    const root = packageRoot();
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'bench/run.ts'),
        '--jobs',
        '20',
        '--datasets',
        '2',
        '--job-seconds',
        '3',
        '--idle-seconds',
        '2',
        '--out',
        out,
      ],
      { cwd: root, maxBuffer: 16 << 20 },
    );
    expect(stdout).toMatch(/\| wall time until all terminal \|/);
    expect(stdout).toMatch(/\| operator RSS idle \(2 s after start, no resources\) \| \d+ MB \|/);
    const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const result = JSON.parse(readFileSync(join(out, file!), 'utf8'));
    expect(result.awsCallsPerJob.CreateDatasetExportJob).toBe(1);
    expect(result.operator.restartAwsCalls.CreateDatasetExportJob).toBeUndefined();
    expect(result.statusLagMs.p99).toBeGreaterThanOrEqual(0);
    expect(result.operator.peakRssMb).toBeGreaterThan(0);
    expect(result.operator.idle).toMatchObject({ seconds: 2, rssMb: expect.any(Number) });
    expect(result.operator.idle.rssMb).toBeGreaterThan(0);
    expect(result.operator.cpuMsPerJob).toBeGreaterThan(0);
    expect(result.statusWritesPerJob).toBeLessThanOrEqual(result.observedTransitionsPerJob + 1);
    // The fleet as a picture, beside the JSON, and as the latest one docs/benchmarks.md shows.
    const svg = readFileSync(join(out, file!.replace(/\.json$/, '.svg')), 'utf8');
    expect(svg).toMatch(/^<svg /);
    for (const title of [
      'Resources by AWS status',
      'AWS calls per second',
      'Operator memory',
      'floor',
      'ACTIVE',
    ])
      expect(svg).toContain(title);
    expect(readFileSync(join(out, 'latest.svg'), 'utf8')).toBe(svg);
  }, 180_000);
});
