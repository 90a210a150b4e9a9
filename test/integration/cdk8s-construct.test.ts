import { App, Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DatasetExportJob, DatasetExportSchedule, DatasetImportJob } from '../../src/constructs/cdk8s.js';
import { createTestNamespace, kubectl, testKubeConfig } from '../support/kube.js';
import { installCrd } from '../support/operator.js';

// A cdk8s example as a user writes it (docs/constructs.md's own are compiled and run by package.test.ts).
function weeklyExports(chart: Chart): void {
  new DatasetExportJob(chart, 'weekly-items', {
    metadata: { name: 'weekly-items' },
    spec: {
      datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS',
      ingestionMode: 'ALL',
      roleArn: 'arn:aws:iam::123456789012:role/PersonalizeExportRole',
      jobOutput: { s3DataDestination: { path: 's3://demo-exports/items/' } },
      tags: { team: 'recommendations' },
    },
  });
}

describe('the cdk8s DatasetExportJob construct', () => {
  beforeAll(installCrd);

  it('synthesizes a resource the real API server accepts (server-side dry run)', async () => {
    const namespace = await createTestNamespace(testKubeConfig(), 'cdk8s');
    const chart = Testing.chart();
    weeklyExports(chart);
    const [manifest] = Testing.synth(chart);
    expect(manifest).toMatchObject({ apiVersion: 'personalize.ops.dev/v1alpha1', kind: 'DatasetExportJob' });
    const out = await kubectl(['apply', '--dry-run=server', '-n', namespace, '-f', '-'], stringify(manifest));
    expect(out).toMatch(/datasetexportjob\.personalize\.ops\.dev\/weekly-items created \(server dry run\)/);
  });

  it('carries the API server rules: a bad spec is refused at apply', async () => {
    const namespace = await createTestNamespace(testKubeConfig(), 'cdk8s');
    const chart = new Chart(new App(), 'bad');
    new DatasetExportJob(chart, 'bad', {
      metadata: { name: 'bad' },
      spec: {
        datasetArn: 'dataset/demo',
        roleArn: 'x',
        jobOutput: { s3DataDestination: { path: 's3://b/' } },
      },
    });
    await expect(
      kubectl(
        ['apply', '--dry-run=server', '-n', namespace, '-f', '-'],
        chart
          .toJson()
          .map((o) => stringify(o))
          .join('---\n'),
      ),
    ).rejects.toThrow(/spec\.datasetArn: Invalid value: "dataset\/demo"/);
  });

  it('synthesizes a DatasetImportJob the API server accepts, defaulting importMode, and refuses a bad one', async () => {
    const namespace = await createTestNamespace(testKubeConfig(), 'cdk8s');
    const chart = Testing.chart();
    new DatasetImportJob(chart, 'nightly-users', {
      metadata: { name: 'nightly-users' },
      spec: {
        datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/USERS',
        dataSource: { dataLocation: 's3://demo-data/users/' },
        roleArn: 'arn:aws:iam::123456789012:role/PersonalizeImportRole',
      },
    });
    const [manifest] = Testing.synth(chart);
    expect(manifest).toMatchObject({ apiVersion: 'personalize.ops.dev/v1alpha1', kind: 'DatasetImportJob' });
    const out = await kubectl(
      ['apply', '--dry-run=server', '-n', namespace, '-o', 'jsonpath={.spec.importMode}', '-f', '-'],
      stringify(manifest),
    );
    expect(out).toBe('FULL');
    const bad = { ...manifest, spec: { ...manifest.spec, dataSource: { dataLocation: 'ftp://x/y.csv' } } };
    await expect(
      kubectl(['apply', '--dry-run=server', '-n', namespace, '-f', '-'], stringify(bad)),
    ).rejects.toThrow(/spec\.dataSource\.dataLocation: Invalid value: "ftp:\/\/x\/y\.csv"/);
  });

  it('synthesizes a DatasetExportSchedule the API server accepts, and refuses Replace at apply', async () => {
    const namespace = await createTestNamespace(testKubeConfig(), 'cdk8s');
    const chart = Testing.chart();
    const template = {
      spec: {
        datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS',
        roleArn: 'arn:aws:iam::123456789012:role/PersonalizeExportRole',
        jobOutput: { s3DataDestination: { path: 's3://demo-exports/items/dt={yyyy}-{MM}-{dd}/' } },
      },
    };
    new DatasetExportSchedule(chart, 'nightly', {
      metadata: { name: 'nightly' },
      spec: { schedule: '0 3 * * *', timeZone: 'Europe/Berlin', jobTemplate: template },
    });
    new DatasetExportSchedule(chart, 'replacing', {
      metadata: { name: 'replacing' },
      spec: { schedule: '@daily', concurrencyPolicy: 'Replace', jobTemplate: template },
    });
    const [good, bad] = Testing.synth(chart);
    expect(await kubectl(['apply', '--dry-run=server', '-n', namespace, '-f', '-'], stringify(good))).toMatch(
      /datasetexportschedule\.personalize\.ops\.dev\/nightly created \(server dry run\)/,
    );
    await expect(
      kubectl(['apply', '--dry-run=server', '-n', namespace, '-f', '-'], stringify(bad)),
    ).rejects.toThrow(
      /spec\.concurrencyPolicy: Invalid value: "Replace": must be Forbid or Allow: Replace would have to stop the running export, and AWS cannot stop an export job/,
    );
  });
});
