/**
 * Checks made before `run` and `import` start: the cluster, the CRDs, RBAC, AWS credentials.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/group.js';
import { crds } from '../kinds/index.js';

/**
 * What `run` and `import` check before they start, so a missing cluster, CRD, permission or AWS credential ends the process
 * at once with what is missing and how to give it, instead of an operator that logs the same error for ever
 * (or an import that half works).
 */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

export const within = <T>(ms: number, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms).unref(),
    ),
  ]);

/** Where the kubeconfig came from, in the words a user gave it. */
function configSource(kubeconfigFlag?: string): string {
  if (kubeconfigFlag) return `--kubeconfig ${kubeconfigFlag}`;
  return process.env.KUBECONFIG
    ? `KUBECONFIG=${process.env.KUBECONFIG}`
    : 'the in-cluster config or ~/.kube/config';
}

/** Refuses client-node's last resort (a made-up localhost:8080) when it found no kubeconfig and no in-cluster config. */
export function checkClusterNamed(kubeConfig: KubeConfig, kubeconfigFlag?: string, alternative = ''): void {
  const cluster = kubeConfig.getCurrentCluster();
  if (
    !cluster ||
    (kubeConfig.getCurrentContext() === 'loaded-context' && cluster.server === 'http://localhost:8080')
  )
    throw new PreflightError(
      `no cluster to run against: ${configSource(kubeconfigFlag)} names none. Give --kubeconfig FILE or set KUBECONFIG (\`npm run dev\` starts a local cluster)${alternative}.`,
    );
}

/**
 * What a failed list of `plural` means for the user; `undefined` for a 404 (the CRD is not installed), which
 * only the caller can judge.
 */
export function clusterProblem(
  err: unknown,
  kubeConfig: KubeConfig,
  what: { plural: string; where: string; kubeconfigFlag?: string; alternative?: string },
): PreflightError | undefined {
  const code = (err as { code?: unknown }).code;
  const source = configSource(what.kubeconfigFlag);
  const server = kubeConfig.getCurrentCluster()?.server ?? '(none)';
  const alternative = what.alternative ?? '';
  if (code === 404) return undefined;
  if (code === 401 || code === 403)
    return new PreflightError(
      `the identity in ${source} may not list ${what.plural}${what.where} (HTTP ${code}): grant it the operator's RBAC (deploy/ or the Helm chart)${alternative}.`,
    );
  return new PreflightError(
    `cannot reach the cluster at ${server} from ${source}: ${(err as Error).message}. Check the kubeconfig, or give --kubeconfig FILE${alternative}.`,
  );
}

/** Lists one object of each kind where the operator will watch: the cluster answers, the CRDs are served, RBAC allows. */
export async function checkCluster(kubeConfig: KubeConfig, namespaces: string[], kubeconfigFlag?: string) {
  checkClusterNamed(kubeConfig, kubeconfigFlag);
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  for (const crd of crds()) {
    const { plural, kind } = crd.spec.names;
    const list = (namespace: string) =>
      namespace
        ? api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, limit: 1 })
        : api.listClusterCustomObject({ group: GROUP, version: VERSION, plural, limit: 1 });
    for (const namespace of namespaces.length ? namespaces : ['']) {
      try {
        await within(15_000, list(namespace));
      } catch (err) {
        const where = namespace ? ` in namespace ${namespace}` : ' cluster-wide';
        throw (
          clusterProblem(err, kubeConfig, { plural, where, kubeconfigFlag }) ??
          new PreflightError(
            `the cluster at ${kubeConfig.getCurrentCluster()?.server} does not serve ${kind}s: install the CRD ${crd.metadata.name} first (kubectl apply --server-side -f crds/, or the Helm chart).`,
          )
        );
      }
    }
  }
}

/** Resolves the SDK's default credential chain once: the operator cannot call AWS (nor assume roles) without it. */
export async function checkAwsCredentials(): Promise<void> {
  try {
    await within(20_000, fromNodeProviderChain()());
  } catch (err) {
    throw new PreflightError(
      `no AWS credentials: the SDK's default chain found none (${(err as Error).message}). Give them as on any AWS SDK client: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or IRSA / EKS Pod Identity in a cluster. Against the emulator any values do, for example AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local.`,
    );
  }
}
