#!/usr/bin/env node
import { DEV_USAGE, devCommand } from './dev-command.js';
import { EMULATOR_USAGE, emulatorCommand } from './emulator-command.js';
import { IMPORT_USAGE, importCommand } from './import-command.js';
import { RUN_USAGE, runCommand } from './run-command.js';

const USAGE = `Usage: personalize-operator <command> [options]

Commands:
  dev        run everything locally: control plane, emulator, operator and an example
  run        run the operator against a cluster
  import     print manifests that adopt export jobs already in AWS
  emulator   run a local Amazon Personalize endpoint

${DEV_USAGE}

${RUN_USAGE}

${IMPORT_USAGE}

${EMULATOR_USAGE}`;

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  dev: devCommand,
  run: runCommand,
  import: importCommand,
  emulator: emulatorCommand,
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return;
  }
  const command = commands[name];
  if (!command) throw new Error(`unknown command ${name}\n\n${USAGE}`);
  await command(rest);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`personalize-operator: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
