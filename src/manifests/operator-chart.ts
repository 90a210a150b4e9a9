/**
 * The cdk8s chart of the operator's install bundle: namespace, service account, RBAC, Deployment, Service.
 */
import { ApiObject, Chart, type ChartProps, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { EVENT_RULE, kindRules, NAMESPACE_RULE } from '../kinds/index.js';

export interface OperatorChartProps extends ChartProps {
  /** Namespace the operator runs in. */
  operatorNamespace: string;
  image: string;
  /** Extra ServiceAccount annotations, such as eks.amazonaws.com/role-arn for IRSA. */
  serviceAccountAnnotations?: Record<string, string>;
  region?: string;
  logLevel?: string;
}

export const NAME = 'personalize-operator';
export const METRICS_PORT = 8080;
export const HEALTH_PORT = 8081;
export const SELECTOR_LABELS = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/component': 'operator' };

/**
 * Everything but the CRD that running the operator takes: namespace, identity, least-privilege RBAC,
 * the Deployment and the metrics Service. cdk8s-plus-27's defaults are overridden where they do not suit an
 * operator (see the comments), so the output is exactly what is intended.
 */
export class OperatorChart extends Chart {
  constructor(scope: Construct, id: string, props: OperatorChartProps) {
    // No chart-level namespace: cdk8s would stamp it on the cluster-scoped ClusterRole and binding too.
    super(scope, id, {
      ...props,
      labels: { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': NAME, ...props.labels },
    });
    const namespace = props.operatorNamespace;

    new kplus.Namespace(this, 'namespace', { metadata: { name: namespace } });

    // An operator talks to the API server: its token must be mounted (cdk8s-plus defaults to not mounting it).
    const serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: NAME, namespace, annotations: props.serviceAccountAnnotations },
      automountToken: true,
    });

    const role = new kplus.ClusterRole(this, 'cluster-role', { metadata: { name: NAME } });
    const rules: [string[], string, string][] = [
      ...kindRules().flatMap((rule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.map((resource): [string[], string, string] => [rule.verbs, group, resource]),
        ),
      ),
      ...[EVENT_RULE, NAMESPACE_RULE].map((rule): [string[], string, string] => [
        rule.verbs,
        rule.apiGroups[0] ?? '',
        rule.resources[0] ?? '',
      ]),
    ];
    for (const [verbs, apiGroup, resourceType] of rules)
      role.allow(verbs, kplus.ApiResource.custom({ apiGroup, resourceType }));
    // cdk8s-plus writes `resourceNames: []` on every rule; it means the same as none, so leave it out.
    ApiObject.of(role).addJsonPatch(...rules.map((_, i) => JsonPatch.remove(`/rules/${i}/resourceNames`)));
    const binding = new kplus.ClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: NAME },
      role,
    });
    binding.addSubjects(serviceAccount);

    // Leader election: a Role in the operator's own namespace, so its rights never reach the Leases of
    // kube-system (kube-controller-manager's and kube-scheduler's).
    const leaseRole = new kplus.Role(this, 'leader-election-role', {
      metadata: { name: `${NAME}-leader-election`, namespace },
    });
    leaseRole.allow(
      ['get', 'create', 'update'],
      kplus.ApiResource.custom({ apiGroup: 'coordination.k8s.io', resourceType: 'leases' }),
    );
    ApiObject.of(leaseRole).addJsonPatch(JsonPatch.remove('/rules/0/resourceNames'));
    new kplus.RoleBinding(this, 'leader-election-binding', {
      metadata: { name: `${NAME}-leader-election`, namespace },
      role: leaseRole,
    }).addSubjects(serviceAccount);

    const deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: NAME, namespace },
      replicas: 1,
      // Selector labels of our own instead of cdk8s's construct-path hash, so the Helm chart can match them.
      select: false,
      spread: false,
      podMetadata: { labels: SELECTOR_LABELS },
      serviceAccount,
      automountServiceAccountToken: true,
      securityContext: { ensureNonRoot: true, user: 65532, group: 65532, fsGroup: 65532 },
      containers: [
        {
          name: 'operator',
          image: props.image,
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          args: [
            'run',
            `--metrics-addr=:${METRICS_PORT}`,
            `--health-addr=:${HEALTH_PORT}`,
            `--log-level=${props.logLevel ?? 'info'}`,
            ...(props.region ? [`--region=${props.region}`] : []),
          ],
          ports: [
            { name: 'metrics', number: METRICS_PORT },
            { name: 'health', number: HEALTH_PORT },
          ],
          // Explicit: cdk8s-plus would otherwise request a whole core and 512Mi. The memory request covers what
          // `npm run bench` measured with the image's Node and flags: 76 MiB idle, 110 MiB at the peak of a burst
          // of 1000 jobs, 119 MiB resting with 10 000 finished resources; the limit leaves room for larger fleets.
          resources: {
            cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
            memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
          },
          securityContext: {
            ensureNonRoot: true,
            user: 65532,
            group: 65532,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
          },
          liveness: kplus.Probe.fromHttpGet('/healthz', {
            port: HEALTH_PORT,
            initialDelaySeconds: Duration.seconds(10),
            periodSeconds: Duration.seconds(20),
          }),
          readiness: kplus.Probe.fromHttpGet('/readyz', {
            port: HEALTH_PORT,
            periodSeconds: Duration.seconds(10),
          }),
          // No startup probe: readiness already waits for synced caches.
          startup: undefined,
        },
      ],
    });
    deployment.select(kplus.LabelSelector.of({ labels: SELECTOR_LABELS }));

    const service = new kplus.Service(this, 'metrics-service', {
      metadata: { name: `${NAME}-metrics`, namespace, labels: SELECTOR_LABELS },
      selector: kplus.Pods.select(this, 'pods', { labels: SELECTOR_LABELS }),
      ports: [{ name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT }],
    });

    // cdk8s-plus has no typed field for these; patch them in where the API expects them.
    const podSpec = ApiObject.of(deployment);
    podSpec.addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
      // cdk8s labels pods with its construct address even with `select: false`; the selector is ours.
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
    );
    ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
  }
}
