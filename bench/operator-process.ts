import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { imageEnv } from '../src/local/image-env.js';
import { packageRoot } from '../src/local/package-root.js';

/** Compiles the operator, so that it runs as the image runs it: plain Node on compiled code, no loader. */
export async function buildOperator(): Promise<void> {
  const root = packageRoot();
  await promisify(execFile)(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')]);
}

/** The Node options the operator runs with: the image's, unless an experiment names others. */
export function operatorNodeOptions(override?: string): string {
  return override || (imageEnv().NODE_OPTIONS ?? '');
}

/**
 * `personalize-operator run` as its own process with the image's environment (and Node options), so that its
 * memory and CPU, read from the OS, are those of the operator alone, as shipped.
 */
export function spawnOperator(args: string[], nodeOptions?: string): ChildProcess {
  return spawn(process.execPath, [join(packageRoot(), 'dist/src/cli/main.js'), 'run', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...imageEnv(),
      NODE_OPTIONS: operatorNodeOptions(nodeOptions),
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_REGION: 'us-east-1',
    },
  });
}
