/**
 * The container image's environment and Node flags, read from the Dockerfile.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** How the image starts the operator: Node's flags and the script, relative to the runtime stage's WORKDIR. */
export interface ImageEntrypoint {
  nodeFlags: string[];
  script: string;
}

/**
 * The runtime stage's exec-form ENTRYPOINT, read so that local runs standing in for the image start the same
 * script with the same Node flags (most V8 flags, such as --heap-growing-percent, are refused in NODE_OPTIONS).
 */
export function imageEntrypoint(
  dockerfile = readFileSync(join(packageRoot(), 'Dockerfile'), 'utf8'),
): ImageEntrypoint {
  const runtimeStage = dockerfile.split(/^FROM\s/m).at(-1) ?? '';
  const line = /^ENTRYPOINT\s+(.*)$/m.exec(runtimeStage)?.[1];
  if (!line) throw new Error('Dockerfile: the runtime stage has no ENTRYPOINT');
  const command = JSON.parse(line) as unknown;
  if (!Array.isArray(command) || command[0] !== 'node' || !command.every((a) => typeof a === 'string'))
    throw new Error(`Dockerfile: ENTRYPOINT ${line}: expected the exec form ["node", flags..., script]`);
  const args = (command as string[]).slice(1);
  const scriptAt = args.findIndex((arg) => !arg.startsWith('-'));
  if (scriptAt < 0) throw new Error(`Dockerfile: ENTRYPOINT ${line}: names no script`);
  const workdir = /^WORKDIR\s+(\S+)\s*$/m.exec(runtimeStage)?.[1] ?? '/';
  const script = args[scriptAt]!;
  return {
    nodeFlags: args.slice(0, scriptAt),
    script: script.startsWith('/') ? relative(workdir, script) : script,
  };
}
