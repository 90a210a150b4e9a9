import {
  CustomObjectsApi,
  EventsV1Api,
  type EventsV1Event,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { type Logger, pino } from 'pino';
import { inject } from 'vitest';
import { GROUP, VERSION } from '../../src/api/group.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { datasetExportJob } from '../../src/kinds/dataset-export-job/manifest.js';
import { PLURAL } from '../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob, DatasetExportJobSpec } from '../../src/kinds/dataset-export-job/types.js';
import { installCrd as installDatasetExportJobCrd } from '../../src/local/install-crd.js';
import { type Operator, type OperatorOptions, startOperator } from '../../src/operator.js';
import type { Condition } from '../../src/runtime/conditions.js';
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
  /** Every reconcile the stack's operator finished for `name` (of `controller`), oldest first, from its log. */
  reconciles(name: string, controller?: string): Reconciled[];
  /** Waits until `name` has been reconciled more than `after` times; resolves with the newest. */
  reconciledAgain(name: string, after: number, controller?: string): Promise<Reconciled>;
  /**
   * Proof that the operator has handled every change made before this call: a paused resource created now
   * (paused, so it costs no AWS call) is reconciled, and the queue has nothing left in flight. A test that
   * asserts that something did not happen calls this first, instead of sleeping.
   */
  sentinel(labels?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** One finished reconcile, as the runtime logs it (debug level). */
export interface Reconciled {
  controller: string;
  key: string;
  reconcileID: string;
  result: 'none' | 'after' | 'backoff' | 'error';
  requeueAfterMs?: number;
}

/**
 * A logger that keeps every reconcile the operator reports (and echoes all lines when TEST_LOG_LEVEL is set), so
 * tests can wait for proof that the operator looked instead of sleeping.
 */
export function reconcileLog(): { logger: Logger; entries: Reconciled[] } {
  const entries: Reconciled[] = [];
  const echo = process.env.TEST_LOG_LEVEL;
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        if (echo) process.stdout.write(line);
        if (!line.includes('"msg":"reconcile')) return;
        const entry = JSON.parse(line) as Reconciled & { msg: string };
        if (entry.msg === 'reconciled' || entry.msg === 'reconcile failed')
          entries.push({
            controller: entry.controller,
            key: entry.key,
            reconcileID: entry.reconcileID,
            result: entry.msg === 'reconciled' ? entry.result : 'error',
            ...(entry.requeueAfterMs !== undefined ? { requeueAfterMs: entry.requeueAfterMs } : {}),
          });
      },
    },
  );
  return { logger, entries };
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
  const log = reconcileLog();
  let sentinels = 0;
  const jobs = resources<DatasetExportJob>(api, namespace, PLURAL);
  const stack: Stack = {
    kc,
    api,
    namespace,
    aws,
    async startOperator(options = {}) {
      stack.operator = await startOperator({
        kubeConfig: kc,
        logger: log.logger,
        personalizeEndpoint: aws.emulator.url,
        namespaces: [namespace],
        // Served, so tests (the sentinel among them) can read the operator's own account of its work.
        metricsAddr: { host: '127.0.0.1', port: 0 },
        ...FAST,
        ...options,
      });
      return stack.operator;
    },
    create: (name, jobSpec) => createJob(api, namespace, name, jobSpec),
    get: (name) => jobs.get(name),
    waitFor: (name, test, timeoutMs) => jobs.waitFor(name, test, timeoutMs),
    events: async (name) =>
      (
        await kc
          .makeApiClient(EventsV1Api)
          .listNamespacedEvent({ namespace, fieldSelector: `regarding.name=${name}` })
      ).items,
    reconciles: (name, controller = 'datasetexportjob') =>
      log.entries.filter((e) => e.key === `${namespace}/${name}` && e.controller === controller),
    async reconciledAgain(name, after, controller) {
      const deadline = Date.now() + 20_000;
      while (stack.reconciles(name, controller).length <= after) {
        if (Date.now() > deadline)
          throw new Error(`${namespace}/${name} was not reconciled again within 20s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return stack.reconciles(name, controller).at(-1) as Reconciled;
    },
    async sentinel(labels = {}) {
      const name = `sentinel-${++sentinels}`;
      await createJob(api, namespace, name, spec(), {
        labels,
        annotations: { 'personalize.ops.dev/paused': 'true' },
      });
      await stack.reconciledAgain(name, 0);
      await stack.waitFor(name, (o) => condition(o, 'Synced')?.reason === 'Paused');
      // Reconciles queued before the sentinel's may still run beside it: wait for the queue to drain.
      const metrics = stack.operator?.metricsUrl;
      if (!metrics) throw new Error('the sentinel needs the operator to serve /metrics');
      const idle = async () => {
        const text = await (await fetch(`${metrics}/metrics`)).text();
        return (
          /^workqueue_depth\{name="datasetexportjob"\} 0$/m.test(text) &&
          /^controller_runtime_active_workers\{controller="datasetexportjob"\} 0$/m.test(text)
        );
      };
      const deadline = Date.now() + 20_000;
      while (!(await idle())) {
        if (Date.now() > deadline) throw new Error('the operator did not go idle within 20s');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await stack.operator?.stop(2_000);
      await aws.close();
    },
  };
  return stack;
}

/** Reading one kind's objects of a namespace, and waiting for one to pass a test. */
export function resources<T extends KubernetesObject>(
  api: CustomObjectsApi,
  namespace: string,
  plural: string,
) {
  const get = async (name: string) =>
    (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name })) as T;
  return {
    get,
    async waitFor(name: string, test: (obj: T) => boolean, timeoutMs = 20_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      let last: T | undefined;
      while (Date.now() < deadline) {
        last = await get(name);
        if (test(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      const status = (last as { status?: unknown } | undefined)?.status;
      throw new Error(`timed out waiting for ${namespace}/${name}; last status: ${JSON.stringify(status)}`);
    },
  };
}

export const condition = (obj: { status?: { conditions?: Condition[] } }, type: string) =>
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
