import { CreateDatasetExportJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { pino } from 'pino';
import type { FaultConfig } from '../../src/emulator/faults.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/server.js';
import type { OperationStats } from '../../src/emulator/store.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const DEMO_GROUP = `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset-group/demo`;
export const demoDataset = (type: 'INTERACTIONS' | 'ITEMS' | 'USERS') =>
  `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset/demo/${type}`;
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/PersonalizeExport`;

/** Creates an export job of a demo dataset straight through the SDK, as someone outside Kubernetes would. */
export async function createDemoJob(
  client: PersonalizeClient,
  jobName: string,
  type: Parameters<typeof demoDataset>[0],
  path = 's3://exports/direct/',
  tags: Record<string, string> = {},
): Promise<string> {
  const out = await client.send(
    new CreateDatasetExportJobCommand({
      jobName,
      datasetArn: demoDataset(type),
      roleArn: ROLE,
      jobOutput: { s3DataDestination: { path } },
      ...(Object.keys(tags).length
        ? { tags: Object.entries(tags).map(([tagKey, tagValue]) => ({ tagKey, tagValue })) }
        : {}),
    }),
  );
  return out.datasetExportJobArn ?? '';
}

export interface TestEmulator {
  emulator: Emulator;
  client: PersonalizeClient;
  stats(): Promise<Record<string, OperationStats>>;
  setFaults(faults: FaultConfig): Promise<Response>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A real SDK client, with dummy credentials, talking HTTP to an emulator on loopback. */
export function sdkClient(
  url: string,
  options: { maxAttempts?: number; region?: string } = {},
): PersonalizeClient {
  return new PersonalizeClient({
    endpoint: url,
    region: options.region ?? REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
    maxAttempts: options.maxAttempts ?? 3,
  });
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator({ speed: 1000, logger: pino({ level: 'silent' }), ...options });
  const client = sdkClient(emulator.url);
  const admin = (path: string, init?: RequestInit) => fetch(`${emulator.url}/_emulator/${path}`, init);
  return {
    emulator,
    client,
    admin,
    stats: async () =>
      ((await (await admin('stats')).json()) as { operations: Record<string, OperationStats> }).operations,
    setFaults: (faults) => admin('faults', { method: 'PUT', body: JSON.stringify(faults) }),
    close: async () => {
      client.destroy();
      await emulator.close();
    },
  };
}
