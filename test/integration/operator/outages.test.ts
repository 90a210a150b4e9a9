import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../../../src/local/control-plane.js';
import { installCrd } from '../../../src/local/install-crd.js';
import { type Operator, type OperatorOptions, startOperator } from '../../../src/operator.js';
import { startTestEmulator, type TestEmulator } from '../../support/emulator.js';
import { createTestNamespace } from '../../support/kube.js';
import { createJob, listJobs, spec } from '../../support/operator.js';

const FLEET = 120;

/**
 * Outages of what the operator depends on, each with a fleet in flight: a control plane of its own (so its
 * API server can be killed without disturbing other tests), default backoff and resync (10 minutes, so
 * convergence cannot come from it), and polls fast enough to keep the test short.
 */
describe('outages with a fleet in flight', () => {
  let plane: ControlPlane;
  let kc: KubeConfig;
  let aws: TestEmulator | undefined;
  let operator: Operator | undefined;
  beforeAll(async () => {
    plane = await startControlPlane();
    kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
    await installCrd(plane.binaries.kubectl, plane.kubeconfigPath);
  });
  afterEach(async () => {
    await operator?.stop(1_000);
    operator = undefined;
    await aws?.close();
    aws = undefined;
  });
  afterAll(() => plane?.stop());

  const start = async (namespace: string, options: Partial<OperatorOptions> = {}) => {
    aws ??= await startTestEmulator({
      speed: 1,
      durations: { exportPendingMs: 1_000, exportInProgressMs: 3_000 },
    });
    operator = await startOperator({
      kubeConfig: kc,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      personalizeEndpoint: aws.emulator.url,
      namespaces: [namespace],
      pollMinMs: 500,
      pollMaxMs: 2_000,
      healthAddr: { host: '127.0.0.1', port: 0 },
      ...options,
    });
    return operator;
  };

  const statuses = (namespace: string) => listJobs(kc, namespace);

  const allActive = async (namespace: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let notYet = FLEET;
    while (Date.now() < deadline) {
      // Counted against the fleet: a list refused while the API server restarts is not a converged fleet.
      notYet =
        FLEET -
        (await statuses(namespace).catch(() => [])).filter((o) => o.status?.status === 'ACTIVE').length;
      if (notYet === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${notYet} of ${FLEET} resources not ACTIVE after ${timeoutMs / 1000}s`);
  };

  const healthz = async () => (await fetch(`${operator?.healthUrl}/healthz`)).status;

  for (const outageMs of [2_000, 15_000]) {
    it(`converges within 60 s of the API server's return after a ${outageMs / 1000} s outage mid-burst, one Create each`, async () => {
      const namespace = await createTestNamespace(kc, 'outage');
      await start(namespace, { stallTimeoutMs: 5_000 });
      const api = kc.makeApiClient(CustomObjectsApi);
      // Applied in parallel batches, as `kubectl apply -f dir/` would; the API server dies mid-burst.
      const names = Array.from({ length: FLEET }, (_, i) => `fleet-${i}`);
      for (let i = 0; i < names.length; i += 20)
        await Promise.all(names.slice(i, i + 20).map((n) => createJob(api, namespace, n, spec())));
      // Mid-burst: some jobs created, most not yet.
      await expect
        .poll(async () => (await aws!.stats()).CreateDatasetExportJob?.calls ?? 0, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(FLEET / 10);
      await plane.killApiServer();
      await new Promise((r) => setTimeout(r, outageMs));
      if (outageMs > 5_000) expect(await healthz()).toBe(503);
      await plane.restartApiServer();
      const back = Date.now();
      await allActive(namespace, 60_000);
      const seconds = (Date.now() - back) / 1000;
      console.log(`${outageMs / 1000}s API server outage: converged ${seconds.toFixed(1)}s after its return`);
      await expect.poll(healthz, { timeout: 15_000, interval: 250 }).toBe(200);
      // Names derive from UIDs, so one successful Create per resource and one ARN each means no duplicate.
      expect((await aws!.stats()).CreateDatasetExportJob?.outcomes.OK).toBe(FLEET);
      const arns = new Set((await statuses(namespace)).map((o) => o.status?.datasetExportJobArn));
      expect(arns.size).toBe(FLEET);
    }, 150_000);
  }
});
