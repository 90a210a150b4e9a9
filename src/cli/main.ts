#!/usr/bin/env node
/**
 * The `personalize-operator` command: dispatches to a subcommand, loaded only when asked for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../local/package-root.js';
import { isParseArgsError, UsageError } from './usage-error.js';

interface Command {
  usage: string;
  run(argv: string[]): Promise<void>;
}

// Loaded on demand: `run` in a container should not pay, in memory, for the emulator and the local control plane.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  dev: {
    summary: 'run everything locally: control plane, emulator, operator and an example',
    load: async () => {
      const m = await import('./dev-command.js');
      return { usage: m.DEV_USAGE, run: m.devCommand };
    },
  },
  run: {
    summary: 'run the operator against a cluster',
    load: async () => {
      const m = await import('./run-command.js');
      return { usage: m.RUN_USAGE, run: m.runCommand };
    },
  },
  import: {
    summary: 'print manifests that adopt export jobs already in AWS',
    load: async () => {
      const m = await import('./import-command.js');
      return { usage: m.IMPORT_USAGE, run: m.importCommand };
    },
  },
  emulator: {
    summary: 'run a local Amazon Personalize endpoint',
    load: async () => {
      const m = await import('./emulator-command.js');
      return { usage: m.EMULATOR_USAGE, run: m.emulatorCommand };
    },
  },
};

const USAGE = `Usage: personalize-operator <command> [options]
       personalize-operator --version

Commands:
${Object.entries(commands)
  .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}

'personalize-operator <command> --help' shows a command's options.`;

const wantsHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h');

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  // No command is a usage error (exit 2), as with git or kubectl: a script that forgot it must not pass.
  if (!name) throw new UsageError(`a command is needed\n\n${USAGE}`);
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return;
  }
  if (name === '--version' || name === 'version') {
    const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      version: string;
    };
    console.log(`personalize-operator ${version}`);
    return;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
  const { usage, run } = await command.load();
  if (wantsHelp(rest)) {
    console.log(usage);
    return;
  }
  try {
    await run(rest);
  } catch (err) {
    if (!isParseArgsError(err) && !(err instanceof UsageError)) throw err;
    throw new UsageError(
      `${(err as Error).message}\nSee 'personalize-operator ${name} --help' for the options.`,
    );
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`personalize-operator: ${err instanceof Error ? err.message : String(err)}`);
    // 2 for a command line that cannot run as given, the convention of usage errors; 1 for everything else.
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
