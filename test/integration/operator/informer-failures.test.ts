import { execFile } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../../src/kinds/dataset-export-job/types.js';
import { type ControlPlane, startControlPlane } from '../../../src/local/control-plane.js';
import { installCrd } from '../../../src/local/install-crd.js';
import { type Operator, startOperator } from '../../../src/operator.js';
import { ResilientInformer } from '../../../src/runtime/informer.js';
import { PooledKubeConfig } from '../../../src/runtime/kube-config.js';
import { type ApiProxy, startApiProxy } from '../../support/api-proxy.js';
import { startTestEmulator, type TestEmulator } from '../../support/emulator.js';
import { createTestNamespace } from '../../support/kube.js';
import { createJob, listJobs, spec } from '../../support/operator.js';

const run = promisify(execFile);

/**
 * The informer against the failures client-node's informers are known for (kubernetes-client/javascript
 * #364, #494, #956, #1933, #2665, and the API server's 410 Gone and 429), each provoked on a control plane of
 * this file's own, so its API server can be frozen or killed without disturbing other tests. That server
 * keeps no watch cache and compacts etcd every 2 s, so a watch resumed from an old resourceVersion meets 410.
 */
describe('the informer against its known failure modes', () => {
  let plane: ControlPlane;
  let kc: KubeConfig;
  let aws: TestEmulator | undefined;
  let operator: Operator | undefined;
  let informer: ResilientInformer<DatasetExportJob> | undefined;
  let proxy: ApiProxy | undefined;
  beforeAll(async () => {
    plane = await startControlPlane({
      apiServerArgs: ['--watch-cache=false', '--etcd-compaction-interval=2s'],
    });
    kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
    await installCrd(plane.binaries.kubectl, plane.kubeconfigPath);
  });
  afterEach(async () => {
    const apiServer = plane.pids()['kube-apiserver'];
    if (apiServer) process.kill(apiServer, 'SIGCONT');
    await informer?.stop();
    informer = undefined;
    await proxy?.close();
    proxy = undefined;
    await operator?.stop(1_000);
    operator = undefined;
    await aws?.close();
    aws = undefined;
  });
  afterAll(() => plane?.stop());

  const start = async (namespace: string, through?: KubeConfig) => {
    aws = await startTestEmulator({
      speed: 1,
      durations: { exportPendingMs: 1_000, exportInProgressMs: 3_000 },
    });
    const operatorConfig = new PooledKubeConfig();
    operatorConfig.loadFromFile(plane.kubeconfigPath);
    operator = await startOperator({
      kubeConfig: through ?? operatorConfig,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      personalizeEndpoint: aws.emulator.url,
      namespaces: [namespace],
      pollMinMs: 500,
      pollMaxMs: 2_000,
      metricsAddr: { host: '127.0.0.1', port: 0 },
    });
  };

  const active = async (namespace: string) =>
    (await listJobs(kc, namespace)).filter((o) => o.status?.status === 'ACTIVE').length;

  /**
   * The API server's own count of requests for DatasetExportJobs, by verb (LIST, WATCH, ...: finished ones),
   * and `open` watches (a watch is counted in apiserver_request_total only when it ends).
   */
  const requests = async (): Promise<Record<string, number>> => {
    const { stdout } = await run(
      plane.binaries.kubectl,
      ['--kubeconfig', plane.kubeconfigPath, 'get', '--raw', '/metrics'],
      { maxBuffer: 64 << 20 },
    );
    const counts: Record<string, number> = {};
    for (const line of stdout.split('\n')) {
      if (!line.includes(`resource="${PLURAL}"`)) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? '?';
      if (line.startsWith('apiserver_request_total{')) counts[verb] = (counts[verb] ?? 0) + value;
      if (line.startsWith('apiserver_longrunning_requests{') && verb === 'WATCH')
        counts.open = (counts.open ?? 0) + value;
    }
    return counts;
  };

  it('a silent API server (SIGSTOP for 60 s): every resource converges within 60 s of SIGCONT, one Create each', async () => {
    const namespace = await createTestNamespace(kc, 'frozen');
    await start(namespace);
    const api = kc.makeApiClient(CustomObjectsApi);
    const names = Array.from({ length: 30 }, (_, i) => `frozen-${i}`);
    await Promise.all(names.map((name) => createJob(api, namespace, name, spec())));
    // Frozen mid-flight: sockets stay open and nothing answers, the failure no error reports.
    const apiServer = plane.pids()['kube-apiserver']!;
    process.kill(apiServer, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 60_000));
    process.kill(apiServer, 'SIGCONT');
    const back = Date.now();
    await expect.poll(() => active(namespace), { timeout: 60_000, interval: 500 }).toBe(names.length);
    console.log(
      `API server frozen 60 s: converged ${((Date.now() - back) / 1000).toFixed(1)}s after SIGCONT`,
    );
    expect((await aws!.stats()).CreateDatasetExportJob?.outcomes.OK).toBe(names.length);
  }, 180_000);

  it('makes a bounded number of list and watch requests once a killed API server is back (no reconnect storm)', async () => {
    const namespace = await createTestNamespace(kc, 'storm');
    await start(namespace);
    const api = kc.makeApiClient(CustomObjectsApi);
    for (const name of ['calm-0', 'calm-1', 'calm-2']) await createJob(api, namespace, name, spec());
    await expect.poll(() => active(namespace), { timeout: 30_000, interval: 500 }).toBe(3);
    await plane.killApiServer();
    await new Promise((r) => setTimeout(r, 10_000));
    await plane.restartApiServer();
    // The server's counters start afresh with it; the operator's informers list and watch again, and then
    // rest on their watches (client-node #1933: a stale resourceVersion once made that a flood).
    await new Promise((r) => setTimeout(r, 30_000));
    const after = await requests();
    console.log(`requests for ${PLURAL} in the 30 s after the API server's return: ${JSON.stringify(after)}`);
    expect(after.LIST ?? 0).toBeGreaterThanOrEqual(1);
    expect(after.LIST ?? 0).toBeLessThanOrEqual(5);
    // One watch per informer of the kind: the job controller's, and the schedule controller's for its runs.
    expect(after.open ?? 0).toBeGreaterThanOrEqual(1);
    expect(after.open ?? 0).toBeLessThanOrEqual(2);
    expect(after.WATCH ?? 0).toBeLessThanOrEqual(5);
    // And the operator still follows: a resource applied now is created.
    await createJob(api, namespace, 'after-return', spec());
    await expect.poll(() => active(namespace), { timeout: 30_000, interval: 500 }).toBe(4);
  }, 120_000);

  it('leaves no socket or handler behind over 200 restarts of its watch', async () => {
    const namespace = await createTestNamespace(kc, 'leak');
    const api = kc.makeApiClient(CustomObjectsApi);
    for (const name of ['leak-0', 'leak-1']) await createJob(api, namespace, name, spec());
    const informerConfig = new PooledKubeConfig();
    informerConfig.loadFromFile(plane.kubeconfigPath);
    const seen = new Set<string>();
    informer = new ResilientInformer<DatasetExportJob>({
      kubeConfig: informerConfig,
      resource: { group: GROUP, version: VERSION, plural: PLURAL, namespace },
      watchTimeoutSeconds: 300,
      onChange: (obj) => seen.add(obj.metadata?.name ?? ''),
      onDelete: () => undefined,
      logger: pino({ level: 'silent' }),
    });
    await informer.start();
    const sockets = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
        } catch {
          return false;
        }
      }).length;
    const restart = () => (informer as unknown as { restart(): Promise<void> }).restart();
    for (let i = 0; i < 10; i++) await restart();
    const before = { sockets: sockets(), listeners: process.listenerCount('exit') };
    for (let i = 0; i < 200; i++) await restart();
    // Closed sockets leave the table as their closes complete.
    await expect.poll(sockets, { timeout: 10_000 }).toBeLessThanOrEqual(before.sockets + 2);
    expect(process.listenerCount('exit')).toBe(before.listeners);
    // Still a working cache, following changes.
    await createJob(api, namespace, 'leak-after', spec());
    await expect.poll(() => seen.has('leak-after'), { timeout: 10_000 }).toBe(true);
    expect(informer.list()).toHaveLength(3);
    informerConfig.destroyAgents();
  }, 120_000);
  const dsejRequest = (url: URL) => url.pathname.endsWith(`/${PLURAL}`);
  const getJob = (name: string, namespace: string) =>
    kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
    }) as Promise<DatasetExportJob>;

  it('a watch resumed from a compacted resourceVersion (410 Gone) relists: adds, forgets and retags what changed meanwhile', async () => {
    const namespace = await createTestNamespace(kc, 'gone');
    const proxied = await startApiProxy(kc);
    proxy = proxied;
    await start(namespace, proxied.kubeConfig);
    const api = kc.makeApiClient(CustomObjectsApi);
    await createJob(api, namespace, 'kept', spec());
    await createJob(api, namespace, 'deleted', spec());
    await createJob(api, namespace, 'retagged', spec({ tags: { team: 'a' } }));
    await expect.poll(() => active(namespace), { timeout: 30_000, interval: 500 }).toBe(3);
    await expect.poll(() => proxied.watches, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);

    // The watch ends as at its timeout; client-node resumes from its resourceVersion, and that request is held.
    proxied.rule = (_method, url) =>
      url.searchParams.get('watch') === 'true' && dsejRequest(url) ? { kind: 'hold' } : { kind: 'pass' };
    const before = proxied.seen.length;
    proxied.endWatches();
    await expect
      .poll(() => proxied.seen.slice(before).some((r) => r.line.includes('watch=true')), { timeout: 10_000 })
      .toBe(true);
    // Meanwhile: one added, one deleted, one retagged, and etcd compacts past the held resourceVersion.
    await createJob(api, namespace, 'added', spec());
    await api.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name: 'deleted',
    });
    await api.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name: 'retagged',
        body: { spec: { tags: { team: 'b' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await new Promise((r) => setTimeout(r, 7_000));
    proxied.rule = () => ({ kind: 'pass' });
    proxied.release();

    await expect.poll(() => proxied.sawGone, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => active(namespace), { timeout: 30_000, interval: 500 }).toBe(3);
    await expect
      .poll(async () => (await getJob('retagged', namespace)).status?.tags, {
        timeout: 30_000,
        interval: 500,
      })
      .toEqual({ team: 'b' });
    // The deleted one is forgotten: the operator's resource gauge counts the three that are left.
    const counted = async () => {
      const metrics = await (await fetch(`${operator!.metricsUrl}/metrics`)).text();
      return [...metrics.matchAll(/^personalize_operator_resources\{[^}]*\} (\d+)$/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    };
    await expect.poll(counted, { timeout: 10_000 }).toBe(3);
    expect((await aws!.stats()).CreateDatasetExportJob?.outcomes.OK).toBe(4);
  }, 120_000);

  it('waits what a 429 with Retry-After asks before listing again, and syncs once the server takes it', async () => {
    const namespace = await createTestNamespace(kc, 'shed');
    await createJob(kc.makeApiClient(CustomObjectsApi), namespace, 'present', spec());
    const proxied = await startApiProxy(kc);
    proxy = proxied;
    const shedUntil = Date.now() + 10_000;
    const tooMany = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'TooManyRequests',
      code: 429,
    };
    proxied.rule = (method, url) =>
      method === 'GET' && dsejRequest(url) && Date.now() < shedUntil
        ? { kind: 'answer', status: 429, headers: { 'retry-after': '3' }, body: JSON.stringify(tooMany) }
        : { kind: 'pass' };
    informer = new ResilientInformer<DatasetExportJob>({
      kubeConfig: proxied.kubeConfig,
      resource: { group: GROUP, version: VERSION, plural: PLURAL, namespace },
      watchTimeoutSeconds: 300,
      onChange: () => undefined,
      onDelete: () => undefined,
      logger: pino({ level: 'silent' }),
    });
    const started = Date.now();
    await informer.start();
    console.log(`synced ${((Date.now() - started) / 1000).toFixed(1)}s after start, through 10 s of 429s`);
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(['present']);
    const lists = proxied.seen.filter((r) => r.line.startsWith('GET') && !r.line.includes('watch=true'));
    // Refused while shedding, then one that got through: never sooner than the three seconds asked.
    expect(lists.length).toBeGreaterThanOrEqual(3);
    expect(lists.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < lists.length; i++)
      expect(lists[i]!.at - lists[i - 1]!.at).toBeGreaterThanOrEqual(2_900);
  }, 60_000);
});
