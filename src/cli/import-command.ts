/**
 * `personalize-operator import`: manifests for export or import jobs that already exist in AWS, so the operator
 * adopts them instead of creating new ones.
 */
import { parseArgs } from 'node:util';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ADOPTION_ANNOTATION } from '../api/annotations.js';
import { GROUP, VERSION } from '../api/group.js';
import { ownerOf } from '../api/ownership.js';
import { existingExportJobs } from '../kinds/dataset-export-job/existing.js';
import { exportJob } from '../kinds/dataset-export-job/job.js';
import { PLURAL } from '../kinds/dataset-export-job/schema.js';
import { existingImportJobs } from '../kinds/dataset-import-job/existing.js';
import { importJob } from '../kinds/dataset-import-job/job.js';
import { IMPORT_PLURAL } from '../kinds/dataset-import-job/schema.js';
import { type ExistingJobReader, type ImportOptions, importJobs } from '../personalize-job/existing-jobs.js';
import { checkAwsCredentials, checkClusterNamed, clusterProblem, within } from './preflight.js';
import { UsageError } from './usage-error.js';

export const IMPORT_USAGE = `personalize-operator import [options] > jobs.yaml

Prints DatasetExportJob YAML (one document per job) for export jobs that already exist in AWS, or
DatasetImportJob YAML for import jobs with --kind DatasetImportJob; applied, the operator adopts them without
calling Create, where adoption is allowed: in a namespace annotated personalize.ops.dev/allow-adoption=true, or
everywhere when the operator runs with --allow-adoption. Jobs already managed are left out: those a resource
in the cluster records (when the cluster can be read) and those the operator created (its owner tags).
  --kind KIND                   DatasetExportJob (default) or DatasetImportJob (dsej, dsij)
  --dataset-arn ARN             only the jobs of this dataset (default: every job in the region)
  --region REGION               the region to list (default: AWS_REGION)
  --namespace NS                metadata.namespace of the printed resources
  --create-namespace            also print the Namespace (needs --namespace), annotated to allow adoption
  --include-managed             print managed jobs too
  --kubeconfig FILE             the cluster to read managed jobs from (default: KUBECONFIG, ~/.kube/config)
  --personalize-endpoint URL    Personalize endpoint override`;

export async function importCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kind: { type: 'string', default: 'DatasetExportJob' },
      'dataset-arn': { type: 'string' },
      region: { type: 'string' },
      namespace: { type: 'string' },
      'create-namespace': { type: 'boolean', default: false },
      'include-managed': { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      'personalize-endpoint': { type: 'string' },
    },
    strict: true,
  });
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('--region: no region given and AWS_REGION is not set');
  const kind = IMPORTABLE[values.kind.toLowerCase()];
  if (!kind) throw new UsageError(`--kind: ${values.kind} is not one of DatasetExportJob, DatasetImportJob`);
  if (values['create-namespace'] && !values.namespace)
    throw new UsageError('--create-namespace: needs --namespace NS to name it');
  // Both checked before any job is read: without credentials nothing can be listed, and without the cluster the
  // jobs it already manages would be printed again (applied, a second resource claims each one).
  await checkAwsCredentials();
  const managed = values['include-managed']
    ? new Set<string>()
    : await managedInCluster(values.kubeconfig, kind);
  const client = new PersonalizeClient({
    region,
    ...(values['personalize-endpoint'] ? { endpoint: values['personalize-endpoint'] } : {}),
  });
  try {
    const { manifests, skipped } = await kind.read(client, {
      datasetArn: values['dataset-arn'],
      namespace: values.namespace,
      skip: values['include-managed']
        ? undefined
        : ({ arn, tags }) => managed.has(arn) || ownerOf(tags) !== undefined,
      progress: (done) => {
        if (done % 100 === 0) process.stderr.write(`read ${done} jobs...\n`);
      },
    });
    const namespace = values['create-namespace']
      ? [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: values.namespace, annotations: { [ADOPTION_ANNOTATION]: 'true' } },
          },
        ]
      : [];
    process.stdout.write([...namespace, ...manifests].map((m) => stringify(m)).join('---\n'));
    process.stderr.write(`${manifests.length} jobs\n`);
    if (skipped)
      process.stderr.write(`left out ${skipped} jobs already managed (--include-managed prints them)\n`);
    if (manifests.length && !values['create-namespace']) {
      process.stderr.write(
        `the operator adopts them where allowed: kubectl annotate namespace ${values.namespace ?? 'NAMESPACE'} ${ADOPTION_ANNOTATION}=true (or run it with --allow-adoption)\n`,
      );
    }
  } finally {
    client.destroy();
  }
}

/** The kinds whose existing jobs can be imported, by kind and short name. */
interface Importable {
  read(client: PersonalizeClient, options: ImportOptions): Promise<{ manifests: unknown[]; skipped: number }>;
  plural: string;
  arnField: string;
}
const importable = <S, M>(reader: ExistingJobReader<S, M>, plural: string, arnField: string): Importable => ({
  read: (client, options) => importJobs(client, reader, options),
  plural,
  arnField,
});
const EXPORTS = importable(existingExportJobs, PLURAL, exportJob.arnField);
const IMPORTS = importable(existingImportJobs, IMPORT_PLURAL, importJob.arnField);
const IMPORTABLE: Record<string, Importable> = {
  datasetexportjob: EXPORTS,
  dsej: EXPORTS,
  datasetimportjob: IMPORTS,
  dsij: IMPORTS,
};

/**
 * The job ARNs the kind's resources in the cluster record. A cluster that cannot be read stops the import (with
 * `run`'s messages, and --include-managed as the way round); one without the CRD manages nothing yet.
 */
async function managedInCluster(
  kubeconfig: string | undefined,
  { plural, arnField }: Importable,
): Promise<Set<string>> {
  const alternative = ', or give --include-managed to print every job without reading the cluster';
  const kc = new KubeConfig();
  if (kubeconfig) {
    try {
      kc.loadFromFile(kubeconfig);
    } catch (err) {
      throw new UsageError(`--kubeconfig: cannot read ${kubeconfig}: ${(err as Error).message}`);
    }
  } else kc.loadFromDefault();
  checkClusterNamed(kc, kubeconfig, alternative);
  const api = kc.makeApiClient(CustomObjectsApi);
  const arns = new Set<string>();
  let continueToken: string | undefined;
  try {
    do {
      const page = (await within(
        15_000,
        api.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural,
          limit: 500,
          _continue: continueToken,
        }),
      )) as { items: { status?: Record<string, unknown> }[]; metadata?: { continue?: string } };
      for (const item of page.items) {
        const arn = item.status?.[arnField];
        if (typeof arn === 'string') arns.add(arn);
      }
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
  } catch (err) {
    const problem = clusterProblem(err, kc, {
      plural,
      where: ' cluster-wide',
      kubeconfigFlag: kubeconfig,
      alternative,
    });
    if (problem) throw problem;
    process.stderr.write(
      `the cluster serves no ${plural} (the CRD is not installed): none is managed there\n`,
    );
  }
  return arns;
}
