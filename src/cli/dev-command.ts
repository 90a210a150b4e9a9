/**
 * `personalize-operator dev`: everything on one machine, for a first try and for the docs' commands: the
 * local control plane, the emulator, the operator and an example, all removed on Ctrl-C.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { PersonalizeClient, paginateListDatasets } from '@aws-sdk/client-personalize';
import { startEmulator } from '../emulator/server.js';
import { crds } from '../kinds/index.js';
import { startControlPlane } from '../local/control-plane.js';
import { installCrd } from '../local/install-crd.js';
import { packageRoot } from '../local/package-root.js';
import { startOperator } from '../operator.js';
import { PooledKubeConfig } from '../runtime/kube-config.js';
import { parseDuration } from './durations.js';
import { createLogger, logProcessWarnings } from './logger.js';
import { waitForShutdown } from './shutdown.js';
import { UsageError } from './usage-error.js';

const run = promisify(execFile);

export const DEV_USAGE = `personalize-operator dev [options]

Everything on this machine: a local kube-apiserver and etcd, the Personalize emulator with its demo
dataset group, the CRD, the operator, and the example from examples/ applied. Ctrl-C stops it all.
  --speed N            emulator speed: 1 makes an export take about 10 s (default 1)
  --poll DURATION      the operator's fastest poll, with its unit: 250ms, 1s (default 1s)
  --no-example         do not apply examples/datasetexportjob.yaml
  --no-operator        start only the control plane and the emulator (to install the operator yourself,
                       for example with Helm, and run it with the printed personalize-operator run line)
  --data-dir DIR       keep the emulator's state and exported files here after Ctrl-C (default: a
                       temporary folder, removed on exit)
  --log-level LEVEL    operator and emulator log level (default warn)`;

export async function devCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      speed: { type: 'string', default: '1' },
      poll: { type: 'string', default: '1s' },
      'no-example': { type: 'boolean', default: false },
      'no-operator': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
    },
    strict: true,
  });
  const speed = Number(values.speed);
  if (!(speed > 0)) throw new UsageError(`--speed: ${values.speed} must be a number > 0`);
  const pollMs = parseDuration('--poll', values.poll);
  const logger = createLogger('personalize-operator', values['log-level']);
  logProcessWarnings(logger);
  const say = (line: string) => process.stdout.write(`${line}\n`);

  // A folder of this run's own: a second `dev` (another terminal, a test run) must not overwrite the kubeconfig
  // the first one printed, and none may outlive the server it points at.
  const stateDir = mkdtempSync(join(tmpdir(), 'personalize-operator-dev-'));
  const kubeconfigPath = join(stateDir, 'kubeconfig');
  say(`personalize-operator dev on Node.js ${process.version} (${process.execPath})`);
  say('Starting the local control plane (the first run builds it from Go modules: a few minutes)...');
  const controlPlane = await startControlPlane({ kubeconfigPath });
  const stops: (() => Promise<void>)[] = [() => controlPlane.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const { binaries } = controlPlane;
    say(
      `  kube-apiserver ${binaries.kubernetesVersion} and etcd ${binaries.etcdVersion} at ${controlPlane.server}`,
    );
    const kubectl = (args: string[], input?: string) => {
      const child = run(binaries.kubectl, ['--kubeconfig', kubeconfigPath, ...args]);
      child.child.stdin?.end(input ?? '');
      return child;
    };

    const dataDir = values['data-dir'];
    const emulator = await startEmulator({
      speed,
      logger: logger.child({ component: 'emulator' }),
      ...(dataDir ? { dataDir } : {}),
    });
    stops.push(() => emulator.close());
    say(`Personalize emulator at ${emulator.url}`);
    say(
      `  exports land in ${emulator.s3Root} (imports read there too; s3://bucket/prefix/ is ${emulator.s3Root}/bucket/prefix/; ` +
        `${dataDir ? 'kept after Ctrl-C)' : 'removed on exit: keep them with --data-dir DIR)'}`,
    );
    say('Datasets to export (spec.datasetArn):');
    for (const { type, arn } of await demoDatasets(emulator.url)) say(`  ${type.padEnd(13)} ${arn}`);

    const runOperator = async () => {
      // Marked as the release README's `helm install` makes, so that command works on this run as written.
      await installCrd(binaries.kubectl, kubeconfigPath, {
        name: 'personalize-operator',
        namespace: 'personalize-operator',
      });
      say(
        `Installed the CRDs ${crds()
          .map((crd) => crd.metadata.name)
          .join(', ')}`,
      );

      for (const [name, value] of Object.entries(EMULATOR_CREDENTIALS)) process.env[name] ??= value;
      const kubeConfig = new PooledKubeConfig();
      kubeConfig.loadFromFile(kubeconfigPath);
      const operator = await startOperator({
        kubeConfig,
        logger,
        region: 'us-east-1',
        personalizeEndpoint: emulator.url,
        pollMinMs: pollMs,
        pollMaxMs: Math.max(pollMs, 5_000),
        backoffBaseMs: 500,
        actionableRetryMs: 30_000,
        // One person, one machine, one demo account: adopting jobs made with the emulator is expected here.
        allowAdoption: true,
      });
      stops.push(() => operator.stop());
      say('Operator running');

      if (!values['no-example']) {
        const example = join(packageRoot(), 'examples', 'datasetexportjob.yaml');
        await kubectl(['apply', '-n', 'default', '-f', '-'], readFileSync(example, 'utf8'));
        say(`Applied ${example} in namespace default`);
      }
      say('');
      say('Watch it go ACTIVE:');
      say(`  ${binaries.kubectl} --kubeconfig ${kubeconfigPath} get dsej -A -w`);
    };
    if (values['no-operator']) {
      say('');
      say(`Control plane and emulator only. Kubeconfig: ${kubeconfigPath}`);
      say(
        `Install the CRD (helm install … --kubeconfig ${kubeconfigPath}, or kubectl apply --server-side -f crds/), then run the operator`,
      );
      say('(from this clone; `personalize-operator run` where the package is installed):');
      const credentials = Object.entries(EMULATOR_CREDENTIALS).map(([k, v]) => `${k}=${v}`);
      say(
        `  ${credentials.join(' ')} npx personalize-operator run --kubeconfig ${kubeconfigPath} ` +
          `--personalize-endpoint ${emulator.url} --region us-east-1 --allow-adoption --metrics-addr 127.0.0.1:0 --health-addr 127.0.0.1:0`,
      );
    } else {
      await runOperator();
    }
    say('');
    say("In another terminal, README's and docs/'s commands work against this run (and no other) after:");
    say(`  ${shellEnvironment(kubeconfigPath, emulator.url, emulator.s3Root, dirname(binaries.kubectl))}`);
    say('Press Ctrl-C to stop everything.');
    await waitForShutdown();
    say('Stopping...');
  } finally {
    await stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * A shell's `export` line that points kubectl, helm, the CLI and any AWS SDK (through the SDK's own
 * AWS_ENDPOINT_URL_PERSONALIZE) at this run: kubectl is the control plane's own, of the server's version.
 * PERSONALIZE_EMULATOR_S3 is the emulator's S3 folder, where data to import is put (`cp`, for `aws s3 cp`).
 */
function shellEnvironment(kubeconfig: string, endpoint: string, s3Root: string, kubectlDir: string): string {
  const values = {
    PATH: `${kubectlDir}:$PATH`,
    KUBECONFIG: kubeconfig,
    AWS_ENDPOINT_URL_PERSONALIZE: endpoint,
    PERSONALIZE_EMULATOR_S3: s3Root,
    AWS_REGION: 'us-east-1',
    ...EMULATOR_CREDENTIALS,
  };
  return `export ${Object.entries(values)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ')}`;
}

/** The emulator accepts any signature; dev never talks to AWS, so placeholder credentials are safe. */
const EMULATOR_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDLOCALDEV', AWS_SECRET_ACCESS_KEY: 'local-dev' };

/** Every dataset the emulator holds, read through the real API as a user would (ListDatasets). */
async function demoDatasets(endpoint: string): Promise<{ type: string; arn: string }[]> {
  const client = new PersonalizeClient({
    endpoint,
    region: 'us-east-1',
    credentials: {
      accessKeyId: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
  });
  try {
    const found: { type: string; arn: string }[] = [];
    for await (const page of paginateListDatasets({ client }, {}))
      for (const d of page.datasets ?? []) found.push({ type: d.datasetType ?? '', arn: d.datasetArn ?? '' });
    return found.sort((a, b) => a.arn.localeCompare(b.arn));
  } finally {
    client.destroy();
  }
}
