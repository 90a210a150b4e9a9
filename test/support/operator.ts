import { CustomObjectsApi, EventsV1Api, type EventsV1Event, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { inject } from 'vitest';
import { datasetExportJob } from '../../src/api/manifest.js';
import { GROUP, PLURAL, VERSION } from '../../src/api/schema.js';
import type { DatasetExportJob, DatasetExportJobSpec } from '../../src/api/types.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { installCrd as installDatasetExportJobCrd } from '../../src/local/install-crd.js';
import { type Operator, type OperatorOptions, startOperator } from '../../src/operator.js';
import { demoDataset, ROLE, startTestEmulator, type TestEmulator } from './emulator.js';
import { createTestNamespace, testKubeConfig } from './kube.js';

export function installCrd(): Promise<void> {
  return installDatasetExportJobCrd(inject('kubectlPath'), inject('kubeconfigPath'));
}

export const spec = (overrides: Partial<DatasetExportJobSpec> = {}): DatasetExportJobSpec => ({
  datasetArn: demoDataset('ITEMS'),
  roleArn: ROLE,
  jobOutput: { s3DataDestination: { path: 's3://exports/k8s/' } },
  ...overrides,
});

/** Settings that make the operator react in milliseconds against a fast emulator. */
export const FAST: Partial<OperatorOptions> = {
  pollMinMs: 30,
  pollMaxMs: 100,
  backoffBaseMs: 50,
  backoffMaxMs: 400,
  actionableRetryMs: 500,
};

export interface Stack {
  kc: KubeConfig;
  api: CustomObjectsApi;
  namespace: string;
  aws: TestEmulator;
  operator?: Operator;
  startOperator(options?: Partial<OperatorOptions>): Promise<Operator>;
  create(name: string, jobSpec: DatasetExportJobSpec): Promise<DatasetExportJob>;
  get(name: string): Promise<DatasetExportJob>;
  waitFor(
    name: string,
    test: (obj: DatasetExportJob) => boolean,
    timeoutMs?: number,
  ): Promise<DatasetExportJob>;
  /** The events recorded about one resource, oldest first (their names start with the time). */
  events(name: string): Promise<EventsV1Event[]>;
  close(): Promise<void>;
}

/** Creates a DatasetExportJob through the API, as `kubectl create` would. */
export async function createJob(
  api: CustomObjectsApi,
  namespace: string,
  name: string,
  jobSpec: DatasetExportJobSpec,
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): Promise<DatasetExportJob> {
  const body = datasetExportJob(name, jobSpec, metadata);
  return (await api.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
    body,
  })) as DatasetExportJob;
}

export async function startStack(emulator: EmulatorOptions = {}): Promise<Stack> {
  const kc = testKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  const namespace = await createTestNamespace(kc, 'dsej');
  const aws = await startTestEmulator({ speed: 100, ...emulator });
  const stack: Stack = {
    kc,
    api,
    namespace,
    aws,
    async startOperator(options = {}) {
      stack.operator = await startOperator({
        kubeConfig: kc,
        logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        personalizeEndpoint: aws.emulator.url,
        namespaces: [namespace],
        ...FAST,
        ...options,
      });
      return stack.operator;
    },
    create: (name, jobSpec) => createJob(api, namespace, name, jobSpec),
    get: async (name) =>
      (await api.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name,
      })) as DatasetExportJob,
    async waitFor(name, test, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: DatasetExportJob | undefined;
      while (Date.now() < deadline) {
        last = await stack.get(name);
        if (test(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `timed out waiting for ${namespace}/${name}; last status: ${JSON.stringify(last?.status)}`,
      );
    },
    events: async (name) =>
      (
        await kc
          .makeApiClient(EventsV1Api)
          .listNamespacedEvent({ namespace, fieldSelector: `regarding.name=${name}` })
      ).items,
    async close() {
      await stack.operator?.stop(2_000);
      await aws.close();
    },
  };
  return stack;
}

export const condition = (obj: DatasetExportJob, type: string) =>
  obj.status?.conditions?.find((c) => c.type === type);

/** The DatasetExportJobs of a namespace, as the API server holds them now. */
export async function listJobs(kc: KubeConfig, namespace: string): Promise<DatasetExportJob[]> {
  const list = (await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
  })) as { items: DatasetExportJob[] };
  return list.items;
}
