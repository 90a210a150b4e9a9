/**
 * The container image's environment and Node flags, read from the Dockerfile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

const ASSIGNMENT = /([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/y;

/**
 * The environment the container image gives the operator: the `ENV` lines of the Dockerfile's last stage. Local
 * runs that stand in for the image (the benchmark, the image test) use it, so they measure the operator as shipped.
 */
export function imageEnv(
  dockerfile = readFileSync(join(packageRoot(), 'Dockerfile'), 'utf8'),
): Record<string, string> {
  const runtimeStage = dockerfile.split(/^FROM\s/m).at(-1) ?? '';
  const env: Record<string, string> = {};
  for (const [line, assignments] of runtimeStage.matchAll(/^ENV\s+(.*)$/gm)) {
    let rest = assignments!.trim();
    while (rest) {
      ASSIGNMENT.lastIndex = 0;
      const match = ASSIGNMENT.exec(rest);
      if (!match) throw new Error(`Dockerfile: cannot read "${line}": expected NAME=value or NAME="value"`);
      env[match[1]!] = match[2] ?? match[3]!;
      rest = rest.slice(match[0].length).trimStart();
    }
  }
  return env;
}

/**
 * The Node flags the image starts the operator with: those between `node` and the script in the runtime
 * stage's exec-form ENTRYPOINT (V8 flags such as --optimize-for-size are refused in NODE_OPTIONS).
 */
export function imageNodeFlags(
  dockerfile = readFileSync(join(packageRoot(), 'Dockerfile'), 'utf8'),
): string[] {
  const runtimeStage = dockerfile.split(/^FROM\s/m).at(-1) ?? '';
  const line = /^ENTRYPOINT\s+(.*)$/m.exec(runtimeStage)?.[1];
  if (!line) return [];
  const command = JSON.parse(line) as unknown;
  if (!Array.isArray(command) || command[0] !== 'node' || !command.every((a) => typeof a === 'string'))
    throw new Error(`Dockerfile: ENTRYPOINT ${line}: expected the exec form ["node", flags..., script]`);
  const flags: string[] = [];
  for (const arg of command.slice(1) as string[]) {
    if (!arg.startsWith('-')) break;
    flags.push(arg);
  }
  return flags;
}
