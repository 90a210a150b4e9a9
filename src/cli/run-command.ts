/**
 * `personalize-operator run`: the operator against a cluster, as the image runs it. Reads every flag before
 * contacting anything, checks the cluster and credentials, then runs until a signal.
 */
import { parseArgs } from 'node:util';
import { type OperatorOptions, startOperator } from '../operator.js';
import { PooledKubeConfig } from '../runtime/kube-config.js';
import { parseAddr, parseDuration, parsePositiveInt } from './durations.js';
import { createLogger, logProcessWarnings } from './logger.js';
import { checkAwsCredentials, checkCluster, PreflightError } from './preflight.js';
import { waitForShutdown } from './shutdown.js';
import { UsageError } from './usage-error.js';

export const RUN_USAGE = `personalize-operator run [options]

Runs the operator against a cluster (in-cluster config, --kubeconfig, or KUBECONFIG/~/.kube/config).
AWS credentials come from the SDK's default chain (environment, IRSA, EKS Pod Identity, profiles). At start
it checks that the cluster answers, serves the CRD and lets it list DatasetExportJobs, and that credentials
resolve, and exits 1 naming what is missing.
  --kubeconfig FILE             kubeconfig to use
  --region REGION               region when a dataset ARN names none (default: AWS_REGION)
  --personalize-endpoint URL    Personalize endpoint override (VPC endpoint or the emulator)
  --sts-endpoint URL            STS endpoint override, for namespaces that name a role to assume
  --status-source list|describe
                                how status is read: one ListDatasetExportJobs per dataset (default) or one
                                DescribeDatasetExportJob per job
  --aws-rate N                  starting requests per second per account, region and operation; lowered when
                                AWS throttles, raised while calls wait on it (default 10)
  --aws-burst N                 burst at the starting rate, scaled with the rate (default 20)
  --aws-timeout DURATION        the longest one AWS call may take, retries included (default 20s)
  --aws-connect-timeout DURATION  the longest a connection to AWS may take to open (default 5s)
  --namespace NS                watch only this namespace (repeatable; default all)
  --allow-adoption              let resources adopt jobs the operator did not create, in every namespace
                                (otherwise only in namespaces annotated personalize.ops.dev/allow-adoption)
  --require-namespace-role      never call AWS with the operator's own identity: a namespace without the
                                personalize.ops.dev/role-arn annotation gets no AWS call
  --selector LABELS             reconcile only resources matching this label selector
  --concurrency N               reconciles at once (default 4)
  --poll-min DURATION           fastest status poll of a running job (default 5s)
  --poll-max DURATION           slowest status poll of a long-running job (default 60s)
  --retry-actionable DURATION   retry delay for errors a person must fix: IAM, input (default 5m)
  --resync DURATION             full re-check of every resource (default 10m)
  --stall-timeout DURATION      /healthz fails once a watch has been down, or queued work has seen no
                                reconcile finish, this long (default 2m)
  --leader-elect                reconcile only while holding a Lease (run several replicas for HA)
  --leader-election-namespace NS  the Lease's namespace (default: POD_NAMESPACE, else default)
  --leader-election-id NAME     the Lease's name (default personalize-operator)
  --lease-duration DURATION     how long a Lease holds without renewal (default 15s)
  --renew-deadline DURATION     how long the leader tries to renew before it gives up (default 10s)
  --retry-period DURATION       how often a candidate tries for the Lease (default 2s)
  --metrics-addr ADDR           serve /metrics here (default :8080)
  --health-addr ADDR            serve /healthz and /readyz here (default :8081)
  --log-level LEVEL             pino level (default info)

A DURATION is a number with its unit: 250ms, 5s, 10m, 1h.`;

export async function runCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      region: { type: 'string' },
      'personalize-endpoint': { type: 'string' },
      'sts-endpoint': { type: 'string' },
      'status-source': { type: 'string', default: 'list' },
      'aws-rate': { type: 'string', default: '10' },
      'aws-burst': { type: 'string', default: '20' },
      'aws-timeout': { type: 'string', default: '20s' },
      'aws-connect-timeout': { type: 'string', default: '5s' },
      namespace: { type: 'string', multiple: true },
      'allow-adoption': { type: 'boolean', default: false },
      'require-namespace-role': { type: 'boolean', default: false },
      selector: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      'poll-min': { type: 'string', default: '5s' },
      'poll-max': { type: 'string', default: '60s' },
      'retry-actionable': { type: 'string', default: '5m' },
      resync: { type: 'string', default: '10m' },
      'stall-timeout': { type: 'string', default: '2m' },
      'leader-elect': { type: 'boolean', default: false },
      'leader-election-namespace': { type: 'string' },
      'leader-election-id': { type: 'string', default: 'personalize-operator' },
      'lease-duration': { type: 'string', default: '15s' },
      'renew-deadline': { type: 'string', default: '10s' },
      'retry-period': { type: 'string', default: '2s' },
      'metrics-addr': { type: 'string', default: ':8080' },
      'health-addr': { type: 'string', default: ':8081' },
      'log-level': { type: 'string', default: 'info' },
    },
    strict: true,
  });
  const logger = createLogger('personalize-operator', values['log-level']);
  logProcessWarnings(logger);
  const kubeConfig = new PooledKubeConfig();
  if (values.kubeconfig) {
    try {
      kubeConfig.loadFromFile(values.kubeconfig);
    } catch (err) {
      throw new UsageError(`--kubeconfig: cannot read ${values.kubeconfig}: ${(err as Error).message}`);
    }
  } else kubeConfig.loadFromDefault();
  const endpoint = checkUrl('--personalize-endpoint', values['personalize-endpoint']);
  const stsEndpoint = checkUrl('--sts-endpoint', values['sts-endpoint']);
  const metricsAddr = parseAddr('--metrics-addr', values['metrics-addr']);
  const healthAddr = parseAddr('--health-addr', values['health-addr']);
  const namespaces = values.namespace ?? [];
  // Every flag is read before anything is contacted: a usage error is told before a missing cluster.
  const options: OperatorOptions = {
    kubeConfig,
    logger,
    region: values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    personalizeEndpoint: endpoint,
    stsEndpoint,
    statusSource: statusSource(values['status-source']),
    awsRateLimit: {
      perSecond: parsePositiveInt('--aws-rate', values['aws-rate']),
      burst: parsePositiveInt('--aws-burst', values['aws-burst']),
    },
    namespaces,
    allowAdoption: values['allow-adoption'],
    requireNamespaceRole: values['require-namespace-role'],
    labelSelector: values.selector,
    concurrency: parsePositiveInt('--concurrency', values.concurrency),
    pollMinMs: parseDuration('--poll-min', values['poll-min']),
    pollMaxMs: parseDuration('--poll-max', values['poll-max']),
    actionableRetryMs: parseDuration('--retry-actionable', values['retry-actionable']),
    resyncMs: parseDuration('--resync', values.resync),
    stallTimeoutMs: parseDuration('--stall-timeout', values['stall-timeout']),
    awsTimeoutMs: parseDuration('--aws-timeout', values['aws-timeout']),
    awsConnectTimeoutMs: parseDuration('--aws-connect-timeout', values['aws-connect-timeout']),
    metricsAddr,
    healthAddr,
    leaderElection: values['leader-elect'] ? leaderElection(values) : undefined,
    onLeadershipLost: () => {
      logger.flush();
      process.exit(1);
    },
  };
  await checkCluster(kubeConfig, namespaces, values.kubeconfig);
  await checkAwsCredentials();
  const operator = await startOperator(options).catch((err: unknown) => {
    throw portInUse(err, { '--metrics-addr': metricsAddr, '--health-addr': healthAddr }) ?? err;
  });
  const signal = await waitForShutdown();
  logger.info({ signal }, 'shutting down');
  await operator.stop();
}

function leaderElection(values: Record<string, string | boolean | string[] | undefined>) {
  const text = (key: string) => String(values[key]);
  const timings = {
    leaseDurationMs: parseDuration('--lease-duration', text('lease-duration')),
    renewDeadlineMs: parseDuration('--renew-deadline', text('renew-deadline')),
    retryPeriodMs: parseDuration('--retry-period', text('retry-period')),
  };
  if (
    !(timings.retryPeriodMs < timings.renewDeadlineMs && timings.renewDeadlineMs < timings.leaseDurationMs)
  ) {
    throw new UsageError(
      '--retry-period < --renew-deadline < --lease-duration must hold, or two leaders could overlap',
    );
  }
  return {
    namespace:
      (values['leader-election-namespace'] as string | undefined) ?? process.env.POD_NAMESPACE ?? 'default',
    name: text('leader-election-id'),
    ...timings,
  };
}

function checkUrl(flag: string, url: string | undefined): string | undefined {
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url))
    throw new UsageError(`${flag}: ${url} is not an http(s) URL`);
  return url;
}

function statusSource(value: string): 'list' | 'describe' {
  if (value !== 'list' && value !== 'describe')
    throw new UsageError(`--status-source: ${value} is not one of list, describe`);
  return value;
}

/** A port already taken, told with the flag that moves it. */
function portInUse(err: unknown, addrs: Record<string, { host: string; port: number }>): Error | undefined {
  const e = err as { code?: string; port?: number };
  if (e.code !== 'EADDRINUSE') return undefined;
  const flag = Object.keys(addrs).find((f) => addrs[f]?.port === e.port) ?? '--metrics-addr or --health-addr';
  return new PreflightError(
    `port ${e.port} is in use (another operator on this machine?): give ${flag} another address, for example ${flag} 127.0.0.1:0 for any free port`,
  );
}
