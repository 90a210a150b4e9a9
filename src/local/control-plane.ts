/**
 * A local Kubernetes control plane for dev, the tests and the benchmark: etcd, kube-apiserver and
 * kube-controller-manager on loopback, with their own certificates, started and stopped as owned processes.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';
import { type OwnedProcess, RunFolder, reapStaleRuns } from './owned-processes.js';
import { packageRoot } from './package-root.js';
import { createPki, type Pki } from './pki.js';

const run = promisify(execFile);

export interface ControlPlaneBinaries {
  dir: string;
  /** Absent from envtest's assets: the control plane then runs without it (no garbage collection). */
  controllerManager?: string;
  /** The kubectl built beside the server, or the one on PATH when the assets folder has none. */
  kubectl: string;
  kubernetesVersion: string;
  etcdVersion: string;
}

/**
 * The kube-apiserver, etcd and kubectl to use: KUBEBUILDER_ASSETS when it names envtest binaries, otherwise
 * the ones built from the pinned Go modules (built once, then cached).
 */
export async function controlPlaneBinaries(): Promise<ControlPlaneBinaries> {
  const script = join(packageRoot(), 'test', 'control-plane', 'build.sh');
  let dir: string;
  try {
    const { stdout } = await run('bash', [script], { maxBuffer: 64 * 1024 * 1024 });
    dir = stdout.trim().split('\n').pop() ?? '';
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `building the control plane failed (${script}):\n${(e.stderr ?? e.message).slice(-4000)}`,
    );
  }
  const kube = await run(join(dir, 'kube-apiserver'), ['--version']);
  const etcd = await run(join(dir, 'etcd'), ['--version']);
  const controllerManager = join(dir, 'kube-controller-manager');
  return {
    dir,
    ...(existsSync(controllerManager) ? { controllerManager } : {}),
    kubectl: existsSync(join(dir, 'kubectl')) ? join(dir, 'kubectl') : 'kubectl',
    kubernetesVersion: kube.stdout.trim().replace(/^Kubernetes /, ''),
    etcdVersion: /etcd Version: (\S+)/.exec(etcd.stdout)?.[1] ?? etcd.stdout.split('\n')[0] ?? 'unknown',
  };
}

export interface ControlPlane {
  server: string;
  kubeconfigPath: string;
  binaries: ControlPlaneBinaries;
  /** Seconds from spawning etcd to the `default` namespace being served. */
  startSeconds: number;
  /** kube-controller-manager runs: garbage collection, namespace deletion, Deployments and ReplicaSets. */
  controllerManager: boolean;
  /** SIGKILLs kube-apiserver (etcd keeps the data), for outage tests; resolves once it is gone. */
  killApiServer(): Promise<void>;
  /** Starts kube-apiserver again with the same arguments and port; resolves once it is ready. */
  restartApiServer(): Promise<void>;
  /** The process ID of each component now running (kube-apiserver, etcd, kube-controller-manager). */
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

function get(url: string, pki: Pki): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        ca: readFileSync(pki.caCert),
        cert: readFileSync(pki.adminCert),
        key: readFileSync(pki.adminKey),
        timeout: 2_000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  processes: OwnedProcess[],
  folder: RunFolder,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead)
      throw startupError(
        `${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}) before ${what}`,
        folder,
      );
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw startupError(`timed out after ${timeoutMs / 1000}s waiting for ${what}`, folder);
}

function startupError(message: string, folder: RunFolder): Error {
  return new Error(
    `control plane did not start: ${message}\n--- etcd log (last lines) ---\n${folder.tail('etcd')}\n` +
      `--- kube-apiserver log (last lines) ---\n${folder.tail('kube-apiserver')}\n` +
      `--- kube-controller-manager log (last lines) ---\n${folder.tail('kube-controller-manager')}`,
  );
}

function writeKubeconfig(path: string, server: string, pki: Pki): void {
  const b64 = (file: string) => readFileSync(file).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [
      {
        name: 'admin',
        user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) },
      },
    ],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'admin' } }],
    'current-context': 'local',
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
}

/**
 * The controllers that make the local cluster behave like a real one for what users and tests do here:
 * owner references (garbage collector), namespace deletion, Deployments to ReplicaSets to Pods, and
 * ServiceAccounts with their tokens. No scheduler or kubelet runs, so pods stay Pending.
 */
function controllerManagerArgs(kubeconfig: string, pki: Pki): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    '--controllers=garbagecollector,namespace,deployment,replicaset,serviceaccount,serviceaccount-token',
    '--leader-elect=false',
    // Nothing scrapes it; not serving keeps a port and the delegated-auth lookups away.
    '--secure-port=0',
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    '--use-service-account-credentials=false',
  ];
}

export interface StartOptions {
  binaries?: ControlPlaneBinaries;
  /** Where the kubeconfig is written; inside the run folder by default. */
  kubeconfigPath?: string;
  timeoutMs?: number;
  /** More kube-apiserver flags, for tests of its behaviours (`--watch-cache=false`, say). */
  apiServerArgs?: string[];
}

/**
 * Starts etcd and kube-apiserver on free loopback ports the way envtest does (secure serving,
 * client-certificate authentication, RBAC, and an admin kubeconfig in system:masters), then
 * kube-controller-manager when it was built.
 */
export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  reapStaleRuns();
  const binaries = options.binaries ?? (await controlPlaneBinaries());
  const timeoutMs = options.timeoutMs ?? 60_000;
  const folder = new RunFolder('control-plane');
  try {
    const started = Date.now();
    const pki = await createPki(folder.dir);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = folder.spawn('etcd', join(binaries.dir, 'etcd'), [
      `--data-dir=${join(folder.dir, 'etcd-data')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--unsafe-no-fsync=true',
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--advertise-address=127.0.0.1',
      // A loopback advertise address cannot be published in the `kubernetes` Endpoints.
      '--endpoint-reconciler-type=none',
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--cert-dir=${folder.dir}`,
      `--client-ca-file=${pki.caCert}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=${server}/`,
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      // Without it a pod needs no ServiceAccount object: the local cluster also works without the
      // controller-manager (envtest's assets have none) and never races the creation of `default`.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      ...(options.apiServerArgs ?? []),
    ];
    let apiserver = folder.spawn('kube-apiserver', join(binaries.dir, 'kube-apiserver'), apiserverArgs);
    const ready = () =>
      waitFor(
        '/readyz',
        async () => (await get(`${server}/readyz`, pki)) === 200,
        [etcd, apiserver],
        folder,
        timeoutMs,
      );
    const processes = [etcd, apiserver];
    await ready();
    await waitFor(
      'the default namespace',
      async () => (await get(`${server}/api/v1/namespaces/default`, pki)) === 200,
      processes,
      folder,
      timeoutMs,
    );
    const kubeconfigPath = options.kubeconfigPath ?? join(folder.dir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, server, pki);
    let manager: OwnedProcess | undefined;
    if (binaries.controllerManager) {
      const own = join(folder.dir, 'controller-manager.kubeconfig');
      writeKubeconfig(own, server, pki);
      manager = folder.spawn(
        'kube-controller-manager',
        binaries.controllerManager,
        controllerManagerArgs(own, pki),
      );
      // Its first visible work: the `default` ServiceAccount, which the serviceaccount controller creates.
      await waitFor(
        'kube-controller-manager (the default ServiceAccount)',
        async () => (await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, pki)) === 200,
        [...processes, manager],
        folder,
        timeoutMs,
      );
    }
    return {
      server,
      kubeconfigPath,
      binaries,
      startSeconds: (Date.now() - started) / 1000,
      controllerManager: binaries.controllerManager !== undefined,
      killApiServer: async () => {
        apiserver.child.kill('SIGKILL');
        await apiserver.exited;
      },
      restartApiServer: async () => {
        apiserver = folder.spawn('kube-apiserver', join(binaries.dir, 'kube-apiserver'), apiserverArgs);
        await ready();
      },
      pids: () =>
        Object.fromEntries(
          [etcd, apiserver, ...(manager ? [manager] : [])].flatMap((p) =>
            p.child.pid !== undefined && p.child.exitCode === null ? [[p.name, p.child.pid]] : [],
          ),
        ),
      stop: () => folder.dispose(),
    };
  } catch (err) {
    await folder.dispose();
    throw err;
  }
}
