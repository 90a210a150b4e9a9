/**
 * The DatasetImportJob CRD on the real API server: CreateDatasetImportJob's rules enforced before the operator
 * runs, each error naming its field; every field but tags immutable; `kubectl explain` documents them.
 */
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { IMPORT_PLURAL } from '../../../src/kinds/dataset-import-job/schema.js';
import type { DatasetImportJob } from '../../../src/kinds/dataset-import-job/types.js';
import { demoDataset, ROLE } from '../../support/emulator.js';
import { createTestNamespace, kubectl, testKubeConfig } from '../../support/kube.js';
import { installCrd } from '../../support/operator.js';

const valid = {
  datasetArn: demoDataset('USERS'),
  dataSource: { dataLocation: 's3://data/users/all.csv' },
  roleArn: ROLE,
};

const invalid: [string, Record<string, unknown>, RegExp][] = [
  ['no dataSource', { dataSource: undefined }, /spec\.dataSource: Required value/],
  ['no dataLocation', { dataSource: {} }, /spec\.dataSource\.dataLocation: Required value/],
  [
    'a dataLocation that is not S3',
    { dataSource: { dataLocation: 'ftp://data/x.csv' } },
    /spec\.dataSource\.dataLocation: Invalid value: "ftp:\/\/data\/x\.csv": must be an S3 path/,
  ],
  [
    'a bucket S3 would not name',
    { dataSource: { dataLocation: 's3://Data_Bucket/x.csv' } },
    /spec\.dataSource\.dataLocation: Invalid value: "[^"]+": must be s3:\/\/<bucket>\/<key>/,
  ],
  [
    'an importMode AWS does not know',
    { importMode: 'APPEND' },
    /spec\.importMode: Unsupported value: "APPEND": supported values: "FULL", "INCREMENTAL"/,
  ],
  [
    'a publishAttributionMetricsToS3 that is not a boolean',
    { publishAttributionMetricsToS3: 'yes' },
    /spec\.publishAttributionMetricsToS3: Invalid value: "string": spec\.publishAttributionMetricsToS3 in body must be of type boolean/,
  ],
  [
    'a dataset group ARN for the dataset',
    { datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset-group/demo' },
    /spec\.datasetArn: Invalid value: "[^"]+": must be a dataset ARN/,
  ],
  [
    'a user ARN for the role',
    { roleArn: 'arn:aws:iam::123456789012:user/x' },
    /spec\.roleArn: Invalid value/,
  ],
  ['a reserved tag key', { tags: { 'aws:team': 'x' } }, /may not start with aws:/],
];

describe('DatasetImportJob CRD validation by the real API server', () => {
  const kc = testKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  let namespace: string;
  beforeAll(async () => {
    await installCrd();
    namespace = await createTestNamespace(kc, 'crd-dsij');
  });

  const manifest = (name: string, jobSpec: Record<string, unknown>) => ({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'DatasetImportJob',
    metadata: { name, namespace },
    spec: jobSpec,
  });

  it.each(invalid)('kubectl apply rejects %s, naming the field', async (_name, change, message) => {
    const body = manifest('invalid', { ...valid, ...change });
    await expect(kubectl(['apply', '-f', '-'], JSON.stringify(body))).rejects.toThrow(message);
  });

  it('accepts a valid spec without a role (a bucket policy may grant access), defaulting importMode to FULL', async () => {
    const { roleArn: _role, ...withoutRole } = valid;
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify(manifest('valid', { ...withoutRole, tags: { team: 'ml' } })),
    );
    const stored = (await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: IMPORT_PLURAL,
      name: 'valid',
    })) as DatasetImportJob;
    expect(stored.spec.importMode).toBe('FULL');
  });

  it('rejects a change to any spec field but tags, naming the field and saying what to do', async () => {
    await kubectl(['apply', '-f', '-'], JSON.stringify(manifest('frozen', valid)));
    const edit = (patch: Record<string, unknown>) =>
      api.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace,
          plural: IMPORT_PLURAL,
          name: 'frozen',
          body: { spec: patch },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await expect(edit({ importMode: 'INCREMENTAL' })).rejects.toThrow(
      /spec\.importMode is immutable: an import job cannot be changed once created \(only spec\.tags can\); to import again, create a new DatasetImportJob/,
    );
    await expect(edit({ dataSource: { dataLocation: 's3://data/other.csv' } })).rejects.toThrow(
      /spec\.dataSource is immutable/,
    );
    await expect(edit({ publishAttributionMetricsToS3: true })).rejects.toThrow(
      /spec\.publishAttributionMetricsToS3 is immutable/,
    );
    const retagged = (await edit({ tags: { team: 'ml' } })) as DatasetImportJob;
    expect(retagged.spec.tags).toEqual({ team: 'ml' });
  });

  it('documents every field for kubectl explain and serves the short name and categories', async () => {
    const explained = await kubectl(['explain', 'datasetimportjob.spec']);
    for (const field of ['jobName', 'datasetArn', 'dataSource', 'roleArn', 'importMode', 'tags', 'region'])
      expect(explained).toContain(field);
    expect(await kubectl(['explain', 'dsij.status.datasetImportJobArn'])).toMatch(/ARN of the import job/);
    expect(await kubectl(['get', 'personalize', '-n', namespace, '-o', 'name'])).toContain(
      'datasetimportjob.personalize.ops.dev/valid',
    );
  });
});
