import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { type ControlPlane, startControlPlane } from '../../src/local/control-plane.js';
import { packageRoot } from '../../src/local/package-root.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
    kubectlPath: string;
    helmPath: string;
  }
}

let controlPlane: ControlPlane | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The CLI as users run it from a clone (`npx personalize-operator`, the docs' commands) and as the bench and
  // the image run it: compiled. A clone builds it with `npm run build` (never on install: see package.json).
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: packageRoot() });
  controlPlane = await startControlPlane();
  const { binaries, server, startSeconds } = controlPlane;
  console.log(
    `control plane: kube-apiserver ${binaries.kubernetesVersion}, etcd ${binaries.etcdVersion}` +
      `${controlPlane.controllerManager ? ', kube-controller-manager' : ' (no kube-controller-manager)'} ` +
      `from ${binaries.dir}, serving ${server}, ready in ${startSeconds.toFixed(1)}s`,
  );
  project.provide('kubeconfigPath', controlPlane.kubeconfigPath);
  project.provide('kubectlPath', binaries.kubectl);
  // Built once from its Go module and cached, like the control plane.
  const helm = await promisify(execFile)('bash', [join(packageRoot(), 'test/tools/build-helm.sh')], {
    maxBuffer: 16 << 20,
  });
  project.provide('helmPath', helm.stdout.trim().split('\n').pop() ?? '');
}

export async function teardown(): Promise<void> {
  await controlPlane?.stop();
}
