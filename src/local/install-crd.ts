import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { crds } from '../api/crd.js';

const run = promisify(execFile);

/** Applies every CRD in wire form (server-side) with the given kubectl and waits until they are served. */
export async function installCrd(kubectl: string, kubeconfig: string): Promise<void> {
  const apply = run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', '-']);
  apply.child.stdin?.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds() }));
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
