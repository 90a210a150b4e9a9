import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';

export interface OperatorProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts a process whose stdout and stderr are collected, and which tests can signal and await. */
export function spawnCaptured(
  executable: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): OperatorProcess {
  const child = spawn(executable, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The CLI from source (`personalize-operator <args>`), as a process. */
export const cliArgs = (...args: string[]) => [
  '--import',
  'tsx',
  join(packageRoot(), 'src/cli/main.ts'),
  ...args,
];

/** The operator as users run it (`personalize-operator run`), in its own process, so tests can kill it. */
export function spawnOperator(endpoint: string, namespace: string, extra: string[] = []): OperatorProcess {
  return spawnCaptured(
    process.execPath,
    cliArgs(
      'run',
      '--kubeconfig',
      inject('kubeconfigPath'),
      '--personalize-endpoint',
      endpoint,
      '--namespace',
      namespace,
      '--poll-min',
      '30ms',
      '--poll-max',
      '100ms',
      '--retry-actionable',
      '500ms',
      '--metrics-addr',
      '127.0.0.1:0',
      '--health-addr',
      '127.0.0.1:0',
      ...extra,
    ),
    { cwd: packageRoot() },
  );
}
