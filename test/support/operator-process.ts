import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';

export interface OperatorProcess {
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** The operator as users run it (`personalize-operator run`), in its own process, so tests can kill it. */
export function spawnOperator(endpoint: string, namespace: string, extra: string[] = []): OperatorProcess {
  const root = packageRoot();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'src/cli/main.ts'),
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
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
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
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
