import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CRD_NAME, datasetExportJobCrd } from '../api/crd.js';

const run = promisify(execFile);

/** Applies the CRD in wire form (server-side) with the given kubectl and waits until it is served. */
export async function installCrd(kubectl: string, kubeconfig: string): Promise<void> {
  const apply = run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', '-']);
  apply.child.stdin?.end(JSON.stringify(datasetExportJobCrd()));
  await apply;
  await run(kubectl, [
    '--kubeconfig',
    kubeconfig,
    'wait',
    '--for=condition=Established',
    '--timeout=30s',
    `crd/${CRD_NAME}`,
  ]);
}
