/** What every benchmark script shares: its flags and how it ends. */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Runs a benchmark's main function and exits with its outcome (0, or 1 with the error on stderr). */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(
        `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}

/** The script's flags; `--help` prints its usage and exits, an unknown flag is an error naming it. */
export function benchArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  usage: string,
  options: O,
) {
  if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message} (--help lists the flags)\n`);
    process.exit(2);
  }
}
