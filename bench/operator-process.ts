import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { ControlPlane } from '../src/local/control-plane.js';
import { freePort } from '../src/local/free-port.js';
import { imageEntrypoint, imageEnv } from '../src/local/image-env.js';
import { installCrd } from '../src/local/install-crd.js';
import { packageRoot } from '../src/local/package-root.js';
import { PooledKubeConfig } from '../src/runtime/kube-config.js';

/** Bundles the operator as the image's build stage does, so that it runs as the image runs it. */
export async function buildOperator(): Promise<void> {
  await promisify(execFile)('npm', ['run', '--silent', 'bundle'], { cwd: packageRoot() });
}

/** The image's environment, read from the Dockerfile once per benchmark. */
const IMAGE_ENV = imageEnv();
/** The image's ENTRYPOINT: every benchmarked operator starts the same script with the same Node flags. */
const IMAGE_ENTRYPOINT = imageEntrypoint();
export const IMAGE_NODE_FLAGS = IMAGE_ENTRYPOINT.nodeFlags;

/** The Node options the operator runs with: the image's, unless an experiment names others. */
export function operatorNodeOptions(override?: string): string {
  return override || (IMAGE_ENV.NODE_OPTIONS ?? '');
}

/**
 * The local control plane made ready for a benchmark: the CRD installed and an empty namespace. The client
 * reuses its connections, as the operator's does: a new TLS handshake per call cost the API server and the
 * benchmark more CPU than the calls themselves, on the cores the operator is measured on.
 */
export async function prepareCluster(
  controlPlane: ControlPlane,
  namespace: string,
): Promise<{ kc: KubeConfig; api: CustomObjectsApi }> {
  await installCrd(controlPlane.binaries.kubectl, controlPlane.kubeconfigPath);
  const kc = new PooledKubeConfig();
  kc.loadFromFile(controlPlane.kubeconfigPath);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  return { kc, api: kc.makeApiClient(CustomObjectsApi) };
}

export interface SpawnedOperator {
  child: ChildProcess;
  spawnedAt: number;
  readyzUrl: string;
  metricsUrl: string;
}

/**
 * `personalize-operator run` as its own process with the image's environment (and Node options), so that its
 * memory and CPU, read from the OS, are those of the operator alone, as shipped. It serves probes and metrics
 * on free loopback ports and logs warnings only; `args` adds the benchmark's own flags.
 */
export async function spawnOperator(options: {
  kubeconfigPath: string;
  namespace: string;
  personalizeEndpoint: string;
  args?: string[];
  nodeOptions?: string;
}): Promise<SpawnedOperator> {
  const [healthPort, metricsPort] = [await freePort(), await freePort()];
  const args = [
    '--kubeconfig',
    options.kubeconfigPath,
    '--namespace',
    options.namespace,
    '--personalize-endpoint',
    options.personalizeEndpoint,
    '--metrics-addr',
    `127.0.0.1:${metricsPort}`,
    '--health-addr',
    `127.0.0.1:${healthPort}`,
    '--log-level',
    'warn',
    ...(options.args ?? []),
  ];
  const script = join(packageRoot(), IMAGE_ENTRYPOINT.script);
  const child = spawn(process.execPath, [...IMAGE_NODE_FLAGS, script, 'run', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...IMAGE_ENV,
      NODE_OPTIONS: operatorNodeOptions(options.nodeOptions),
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_REGION: 'us-east-1',
    },
  });
  return {
    child,
    spawnedAt: Date.now(),
    readyzUrl: `http://127.0.0.1:${healthPort}/readyz`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
  };
}
