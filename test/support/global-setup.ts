import type { TestProject } from 'vitest/node';
import { type ControlPlane, startControlPlane } from '../../src/local/control-plane.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
    kubectlPath: string;
  }
}

let controlPlane: ControlPlane | undefined;

export async function setup(project: TestProject): Promise<void> {
  controlPlane = await startControlPlane();
  const { binaries, server, startSeconds } = controlPlane;
  console.log(
    `control plane: kube-apiserver ${binaries.kubernetesVersion}, etcd ${binaries.etcdVersion} ` +
      `from ${binaries.dir}, serving ${server}, ready in ${startSeconds.toFixed(1)}s`,
  );
  project.provide('kubeconfigPath', controlPlane.kubeconfigPath);
  project.provide('kubectlPath', binaries.kubectl);
}

export async function teardown(): Promise<void> {
  await controlPlane?.stop();
}
