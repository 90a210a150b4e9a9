/**
 * `personalize-operator emulator`: the Personalize emulator as a process of its own.
 */
import { parseArgs } from 'node:util';
import { readSeedFile } from '../emulator/seed.js';
import { startEmulator } from '../emulator/server.js';
import { createLogger } from './logger.js';
import { waitForShutdown } from './shutdown.js';
import { UsageError } from './usage-error.js';

export const EMULATOR_USAGE = `personalize-operator emulator [options]

A local Amazon Personalize endpoint for the AWS SDK (endpoint override), with a demo dataset group.
  --host HOST          address to bind (default 127.0.0.1)
  --port PORT          port to listen on (default 4566; 0 picks a free one)
  --data-dir DIR       persist state and exported files here (default: in memory, temporary S3 folder)
  --account-id ID      the 12-digit account in ARNs (default 123456789012)
  --region REGION      the region the seed goes to (default us-east-1)
  --speed N            divide lifecycle durations by N (default 1: an export takes about 10 s)
  --seed FILE          a seed file (JSON) instead of the demo seed; --seed none starts empty
  --log-level LEVEL    pino level (default info)`;

export async function emulatorCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '4566' },
      'data-dir': { type: 'string' },
      'account-id': { type: 'string' },
      region: { type: 'string' },
      speed: { type: 'string', default: '1' },
      seed: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: ${values.port} is not a port number`);
  const speed = Number(values.speed);
  if (!(speed > 0)) throw new UsageError(`--speed: ${values.speed} must be a number > 0`);
  const seedFile = values.seed && values.seed !== 'none' ? readSeedFile(values.seed) : undefined;
  const emulator = await startEmulator({
    host: values.host,
    port,
    dataDir: values['data-dir'],
    accountId: values['account-id'],
    region: values.region,
    speed,
    seed: values.seed === 'none' ? 'none' : seedFile?.seed,
    seedBaseDir: seedFile?.baseDir,
    logger: createLogger('personalize-emulator', values['log-level']),
  });
  await waitForShutdown();
  await emulator.close();
}
