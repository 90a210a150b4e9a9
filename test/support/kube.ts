import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';

const run = promisify(execFile);

/** A client configuration for the control plane that the integration tier's global setup started. */
export function testKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfigPath'));
  return kc;
}

/**
 * A fresh namespace for one test. Unique names keep tests apart; they are left for the control plane's
 * teardown, since deleting each would only add the namespace controller's work to every test.
 */
export async function createTestNamespace(kc: KubeConfig, prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Runs the control plane's own kubectl against it; rejects with kubectl's stderr on failure. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  const full = ['--kubeconfig', inject('kubeconfigPath'), ...args];
  const child = run(inject('kubectlPath'), full);
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    const { stdout } = await child;
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}
