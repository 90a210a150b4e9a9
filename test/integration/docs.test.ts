import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';
import { type DocBlock, docPages } from '../support/doc-blocks.js';
import { cliArgs, spawnCaptured } from '../support/operator-process.js';

// Every shell block of README.md and docs/, run as a reader would: in a second terminal, after pasting the
// `export` line a fresh `npm run dev` printed, from the clone's root, the page's blocks in order.
const root = packageRoot();
const pages = docPages(root).filter((p) =>
  p.blocks.some((b) => typeof b.marker === 'object' && ['run', 'fails', 'serve'].includes(b.marker.mode)),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh `dev` for one page, and the export line it printed. */
async function startDev(noOperator: boolean) {
  const dev = spawnCaptured(
    process.execPath,
    cliArgs('dev', '--speed', '20', '--poll', '200ms', ...(noOperator ? ['--no-operator'] : [])),
    { cwd: root },
  );
  for (let i = 0; i < 1200 && !dev.output().includes('Press Ctrl-C'); i++) {
    if (dev.child.exitCode !== null) break;
    await sleep(100);
  }
  const exportLine = /^ {2}(export PATH=.*)$/m.exec(dev.output())?.[1];
  if (!exportLine) {
    dev.child.kill('SIGINT');
    throw new Error(`dev printed no export line:\n${dev.output()}`);
  }
  return { dev, exportLine };
}

/** The shell a reader has: this run's Node and helm on the PATH (the export line adds kubectl). */
function readerShell(exportLine: string, code: string): ChildProcess & { output: () => string } {
  const helmDir = dirname(inject('helmPath'));
  const child = spawn('bash', ['-c', `set -euo pipefail\n${exportLine}\n${code}`], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${helmDir}:${process.env.PATH}` },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms / 1000}s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function runBlock(block: DocBlock, exportLine: string): Promise<void> {
  const marker = block.marker as Exclude<DocBlock['marker'], string | undefined>;
  const at = `${block.page}:${block.line}`;
  const shell = readerShell(exportLine, block.code);
  try {
    if (marker.mode === 'serve') {
      const ready = async () => {
        while (!shell.output().includes(marker.text)) {
          if (shell.exitCode !== null) throw new Error(`${at} ended (${shell.exitCode}):\n${shell.output()}`);
          await sleep(100);
        }
      };
      await within(90_000, ready(), `${at} printing "${marker.text}"`);
      // Stopped as a terminal's Ctrl-C stops it: every process of the command, at once.
      process.kill(-(shell.pid ?? 0), 'SIGTERM');
      await within(20_000, exited(shell), `${at} stopping on SIGTERM`);
      return;
    }
    const code = await within(240_000, exited(shell), at);
    if (marker.mode === 'fails') {
      expect(code, `${at} should fail:\n${shell.output()}`).not.toBe(0);
      expect(shell.output(), at).toContain(marker.text);
    } else expect(code, `${at} failed:\n${block.code}\n---\n${shell.output()}`).toBe(0);
  } finally {
    if (shell.exitCode === null && shell.signalCode === null) process.kill(-(shell.pid ?? 0), 'SIGKILL');
  }
}

/** Files the blocks leave in the clone (jobs.yaml), so the tree is as it was. */
const untracked = () =>
  new Set(
    execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.startsWith('?? '))
      .map((l) => l.slice(3)),
  );

describe('every command of README.md and docs/, as written', () => {
  it.each(pages.map((p) => [p.page, p] as const))(
    '%s: its blocks run in order in the shell a fresh dev prints',
    async (_name, page) => {
      const before = untracked();
      const { dev, exportLine } = await startDev(page.noOperator);
      try {
        for (const block of page.blocks)
          if (typeof block.marker === 'object' && ['run', 'fails', 'serve'].includes(block.marker.mode))
            await runBlock(block, exportLine);
      } finally {
        dev.child.kill('SIGINT');
        await dev.exited;
        for (const file of untracked()) if (!before.has(file)) rmSync(join(root, file), { force: true });
      }
    },
    900_000,
  );
});
