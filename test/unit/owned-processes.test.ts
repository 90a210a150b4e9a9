import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNS_ROOT, RunFolder, reapStaleRuns } from '../../src/local/owned-processes.js';

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('owned processes', () => {
  it('stops its processes and removes its folder on dispose', async () => {
    const folder = new RunFolder('unit');
    const sleeper = folder.spawn('sleeper', '/bin/sleep', ['300']);
    expect(alive(sleeper.child.pid!)).toBe(true);
    await folder.dispose();
    expect(alive(sleeper.child.pid!)).toBe(false);
    expect(existsSync(folder.dir)).toBe(false);
  });

  it('reaps the processes of a run whose owner died without cleaning up', async () => {
    const folder = new RunFolder('unit');
    const sleeper = folder.spawn('sleeper', '/bin/sleep', ['300']);
    // The owner of this run "dies": its recorded identity no longer matches any live process.
    writeFileSync(join(folder.dir, 'owner'), '999999999\n0\n');
    expect(reapStaleRuns()).toBeGreaterThanOrEqual(1);
    await until(() => !alive(sleeper.child.pid!));
    expect(alive(sleeper.child.pid!)).toBe(false);
    expect(existsSync(folder.dir)).toBe(false);
  });

  it('never touches a process whose executable differs from the recorded one', async () => {
    const bystander = spawn('/bin/sleep', ['300'], { stdio: 'ignore' });
    try {
      const dir = join(RUNS_ROOT, 'unit-forged');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'owner'), '999999999\n0\n');
      const startTime = readFileSync(`/proc/${bystander.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
      writeFileSync(join(dir, 'x.pid'), `${bystander.pid}\n${startTime}\n${realpathSync('/bin/true')}`);
      reapStaleRuns();
      expect(existsSync(dir)).toBe(false);
      expect(alive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});
