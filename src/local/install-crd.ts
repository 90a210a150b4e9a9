/**
 * Installs the CRDs into a cluster with kubectl and waits until they are served.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { crds } from '../kinds/index.js';

const run = promisify(execFile);

/** A Helm release that may take the CRDs over: Helm refuses to install over objects it does not own. */
export interface HelmRelease {
  name: string;
  namespace: string;
}

/**
 * Applies every CRD in wire form (server-side) with the given kubectl and waits until they are served; with a
 * release, marked as that release's, so a later `helm install` of it adopts them.
 */
export async function installCrd(kubectl: string, kubeconfig: string, release?: HelmRelease): Promise<void> {
  const items = crds().map((crd) =>
    release
      ? {
          ...crd,
          metadata: {
            ...crd.metadata,
            labels: { 'app.kubernetes.io/managed-by': 'Helm' },
            annotations: {
              'meta.helm.sh/release-name': release.name,
              'meta.helm.sh/release-namespace': release.namespace,
            },
          },
        }
      : crd,
  );
  const apply = run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', '-']);
  apply.child.stdin?.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await apply;
  await run(kubectl, [
    '--kubeconfig',
    kubeconfig,
    'wait',
    '--for=condition=Established',
    '--timeout=30s',
    ...crds().map((crd) => `crd/${crd.metadata.name}`),
  ]);
}
