import { parseArgs } from 'node:util';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { stringify } from 'yaml';
import { ADOPTION_ANNOTATION } from '../api/schema.js';
import { importJobs } from '../aws/importer.js';
import { UsageError } from './usage-error.js';

export const IMPORT_USAGE = `personalize-operator import [options] > jobs.yaml

Prints DatasetExportJob YAML (one document per job) for export jobs that already exist in AWS; applied, the
operator adopts them without calling Create, where adoption is allowed: in a namespace annotated
personalize.ops.dev/allow-adoption=true, or everywhere when the operator runs with --allow-adoption.
  --dataset-arn ARN             only the jobs of this dataset (default: every job in the region)
  --region REGION               the region to list (default: AWS_REGION)
  --namespace NS                metadata.namespace of the printed resources
  --personalize-endpoint URL    Personalize endpoint override`;

export async function importCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'dataset-arn': { type: 'string' },
      region: { type: 'string' },
      namespace: { type: 'string' },
      'personalize-endpoint': { type: 'string' },
    },
    strict: true,
  });
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('--region: no region given and AWS_REGION is not set');
  const client = new PersonalizeClient({
    region,
    ...(values['personalize-endpoint'] ? { endpoint: values['personalize-endpoint'] } : {}),
  });
  try {
    const manifests = await importJobs(client, {
      datasetArn: values['dataset-arn'],
      namespace: values.namespace,
      progress: (done) => {
        if (done % 100 === 0) process.stderr.write(`read ${done} jobs...\n`);
      },
    });
    process.stdout.write(manifests.map((m) => stringify(m)).join('---\n'));
    process.stderr.write(`${manifests.length} jobs\n`);
    if (manifests.length) {
      process.stderr.write(
        `the operator adopts them where allowed: kubectl annotate namespace ${values.namespace ?? 'NAMESPACE'} ${ADOPTION_ANNOTATION}=true (or run it with --allow-adoption)\n`,
      );
    }
  } finally {
    client.destroy();
  }
}
