#!/usr/bin/env node
interface Command {
  usage: string;
  run(argv: string[]): Promise<void>;
}

// Loaded on demand: `run` in a container should not pay, in memory, for the emulator and the local control plane.
const commands: Record<string, () => Promise<Command>> = {
  dev: async () => {
    const m = await import('./dev-command.js');
    return { usage: m.DEV_USAGE, run: m.devCommand };
  },
  run: async () => {
    const m = await import('./run-command.js');
    return { usage: m.RUN_USAGE, run: m.runCommand };
  },
  import: async () => {
    const m = await import('./import-command.js');
    return { usage: m.IMPORT_USAGE, run: m.importCommand };
  },
  emulator: async () => {
    const m = await import('./emulator-command.js');
    return { usage: m.EMULATOR_USAGE, run: m.emulatorCommand };
  },
};

async function usage(): Promise<string> {
  const details = await Promise.all(Object.values(commands).map(async (load) => (await load()).usage));
  return `Usage: personalize-operator <command> [options]

Commands:
  dev        run everything locally: control plane, emulator, operator and an example
  run        run the operator against a cluster
  import     print manifests that adopt export jobs already in AWS
  emulator   run a local Amazon Personalize endpoint

${details.join('\n\n')}`;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return;
  }
  const load = commands[name];
  if (!load) throw new Error(`unknown command ${name}\n\n${await usage()}`);
  await (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`personalize-operator: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
