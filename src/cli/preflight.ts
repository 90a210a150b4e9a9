import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { crds } from '../api/crd.js';
import { GROUP, VERSION } from '../api/schema.js';

/**
 * What `run` checks before it starts, so a missing cluster, CRD, permission or AWS credential ends the process
 * at once with what is missing and how to give it, instead of an operator that logs the same error for ever.
 */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

const within = <T>(ms: number, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms).unref(),
    ),
  ]);

/** Lists one object of each kind where the operator will watch: the cluster answers, the CRDs are served, RBAC allows. */
export async function checkCluster(kubeConfig: KubeConfig, namespaces: string[], kubeconfigFlag?: string) {
  const cluster = kubeConfig.getCurrentCluster();
  const source = kubeconfigFlag
    ? `--kubeconfig ${kubeconfigFlag}`
    : process.env.KUBECONFIG
      ? `KUBECONFIG=${process.env.KUBECONFIG}`
      : 'the in-cluster config or ~/.kube/config';
  // client-node's last resort when it finds no kubeconfig and no in-cluster config.
  if (
    !cluster ||
    (kubeConfig.getCurrentContext() === 'loaded-context' && cluster.server === 'http://localhost:8080')
  )
    throw new PreflightError(
      `no cluster to run against: ${source} names none. Give --kubeconfig FILE or set KUBECONFIG (\`npm run dev\` starts a local cluster).`,
    );
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
        const code = (err as { code?: unknown }).code;
        const where = namespace ? ` in namespace ${namespace}` : ' cluster-wide';
        if (code === 404)
          throw new PreflightError(
            `the cluster at ${cluster?.server} does not serve ${kind}s: install the CRD ${crd.metadata.name} first (kubectl apply --server-side -f crds/, or the Helm chart).`,
          );
        if (code === 401 || code === 403)
          throw new PreflightError(
            `the identity in ${source} may not list ${plural}${where} (HTTP ${code}): grant it the operator's RBAC (deploy/ or the Helm chart).`,
          );
        throw new PreflightError(
          `cannot reach the cluster at ${cluster?.server ?? '(none)'} from ${source}: ${(err as Error).message}. Check the kubeconfig, or give --kubeconfig FILE.`,
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
