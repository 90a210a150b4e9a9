import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../../src/kinds/dataset-export-job/types.js';
import { createTestNamespace, kubectl, testKubeConfig } from '../../support/kube.js';
import { installCrd, spec } from '../../support/operator.js';

type Case = [string, Record<string, unknown>, RegExp];

// Every rule AWS enforces on CreateDatasetExportJob input, enforced by the API server before the operator runs.
const invalid: Case[] = [
  [
    'an empty jobName',
    { jobName: '' },
    /spec\.jobName: Invalid value: "": spec\.jobName in body should be at least 1 chars long/,
  ],
  [
    'a jobName over 63 characters',
    { jobName: 'a'.repeat(64) },
    /spec\.jobName: Too long: may not be more than 63 (bytes|characters)/,
  ],
  [
    'a jobName with a space',
    { jobName: 'bad name' },
    /spec\.jobName: Invalid value: "bad name": must be letters, digits, - and _, starting with a letter or digit \(AWS job names\)/,
  ],
  ['a jobName starting with an underscore', { jobName: '_x' }, /spec\.jobName: Invalid value: "_x"/],
  ['no datasetArn', { datasetArn: undefined }, /spec\.datasetArn: Required value/],
  [
    'a datasetArn that is not an ARN',
    { datasetArn: 'dataset/demo' },
    /spec\.datasetArn: Invalid value: "[^"]*": must be a dataset ARN, arn:aws:personalize:<region>:<12-digit account>:dataset\/<dataset group>\/<TYPE>/,
  ],
  [
    "a dataset group's ARN",
    { datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset-group/demo' },
    /spec\.datasetArn: Invalid value: "[^"]*": must be a dataset ARN.*\(a dataset group ARN is not one\)/,
  ],
  [
    'a datasetArn with a 5-digit account',
    { datasetArn: 'arn:aws:personalize:us-east-1:12345:dataset/demo/ITEMS' },
    /spec\.datasetArn: Invalid value: "[^"]*": must be a dataset ARN/,
  ],
  [
    'a datasetArn over 256 characters',
    { datasetArn: `arn:aws:personalize:r:1:${'d'.repeat(250)}` },
    /spec\.datasetArn: Too long/,
  ],
  ['no roleArn', { roleArn: undefined }, /spec\.roleArn: Required value/],
  [
    'a roleArn of a user',
    { roleArn: 'arn:aws:iam::123456789012:user/x' },
    /spec\.roleArn: Invalid value: "[^"]*": must be an IAM role ARN, arn:aws:iam::<12-digit account>:role\/<role name>/,
  ],
  [
    'an unknown ingestionMode',
    { ingestionMode: 'SOME' },
    /spec\.ingestionMode: Unsupported value: "SOME": supported values: "BULK", "PUT", "ALL"/,
  ],
  ['no jobOutput', { jobOutput: undefined }, /spec\.jobOutput: Required value/],
  ['no s3DataDestination', { jobOutput: {} }, /spec\.jobOutput\.s3DataDestination: Required value/],
  [
    'no path',
    { jobOutput: { s3DataDestination: {} } },
    /spec\.jobOutput\.s3DataDestination\.path: Required value/,
  ],
  [
    'a path without a scheme',
    { jobOutput: { s3DataDestination: { path: 'bucket/x' } } },
    /spec\.jobOutput\.s3DataDestination\.path: Invalid value: "[^"]*": must be an S3 path such as s3:\/\/bucket\/folder\//,
  ],
  [
    'a path whose prefix climbs out of itself (..)',
    { jobOutput: { s3DataDestination: { path: 's3://bkt/exports/../../escape/' } } },
    /spec\.jobOutput\.s3DataDestination\.path: Invalid value: "[^"]*": must not hold a \. or \.\. segment/,
  ],
  [
    'an http(s) URL, which names no bucket (the pattern of AWS lets it through)',
    { jobOutput: { s3DataDestination: { path: 'https://example.com/x/' } } },
    /spec\.jobOutput\.s3DataDestination\.path: Invalid value: "[^"]*": must be s3:\/\/<bucket>\/<prefix>, the bucket named by S3 rules/,
  ],
  [
    'a bucket name S3 refuses (capitals, underscore)',
    { jobOutput: { s3DataDestination: { path: 's3://Bad_Bucket/x/' } } },
    /must be s3:\/\/<bucket>\/<prefix>, the bucket named by S3 rules: 3 to 63 lower-case letters/,
  ],
  [
    'a malformed kmsKeyArn',
    { jobOutput: { s3DataDestination: { path: 's3://bkt/', kmsKeyArn: 'arn:aws:kms:r:1:key/x' } } },
    /spec\.jobOutput\.s3DataDestination\.kmsKeyArn: Invalid value: "[^"]*": must be a KMS key ARN, arn:aws:kms:<region>:<12-digit account>:key\/<key id>/,
  ],
  [
    'a tag value with a forbidden character',
    { tags: { team: 'a*b' } },
    /spec\.tags\[team\]: Invalid value: "a\*b": tag values may hold letters, digits, spaces and _\.:\/=\+-@ only/,
  ],
  ['a tag value over 256 characters', { tags: { team: 'v'.repeat(257) } }, /spec\.tags\.team: Too long/],
  [
    'a reserved tag key',
    { tags: { 'aws:owner': 'x' } },
    /spec\.tags: Invalid value: tag keys must be 1-128 characters/,
  ],
  [
    'a reserved tag key in capitals (AWS reserves aws: in any case)',
    { tags: { 'AWS:owner': 'x' } },
    /spec\.tags: Invalid value: tag keys must .* may not start with aws: or personalize\.ops\.dev\/ \(in any case\)/,
  ],
  [
    "a tag key under the operator's own prefix",
    { tags: { 'personalize.ops.dev/owner-namespace': 'other' } },
    /spec\.tags: Invalid value: tag keys must/,
  ],
  [
    'a tag key with a forbidden character',
    { tags: { 'a*b': 'x' } },
    /spec\.tags: Invalid value: tag keys must/,
  ],
  [
    'more than 47 tags (AWS allows 50, the operator keeps 3 for the owner)',
    { tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v'])) },
    /spec\.tags: Too many: 48: must have at most 47 items/,
  ],
  [
    'a malformed region',
    { region: 'US_EAST' },
    /spec\.region: Invalid value: "US_EAST": must be an AWS region such as us-east-1/,
  ],
];

describe('DatasetExportJob CRD validation by the real API server', () => {
  const kc = testKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  let namespace: string;
  beforeAll(async () => {
    await installCrd();
    namespace = await createTestNamespace(kc, 'crd');
  });

  const manifest = (name: string, jobSpec: Record<string, unknown>) => ({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'DatasetExportJob',
    metadata: { name, namespace },
    spec: jobSpec,
  });

  it.each(invalid)('kubectl apply rejects %s, naming the field', async (_name, change, message) => {
    const body = manifest('invalid', { ...spec(), ...change });
    await expect(kubectl(['apply', '-f', '-'], JSON.stringify(body))).rejects.toThrow(message);
  });

  it('tells every format fault at once, each with the expected form, and no "rules were not checked" line', async () => {
    const body = manifest('many-faults', {
      ...spec({ jobName: '_bad', roleArn: 'arn:aws:iam::123456789012:user/x' }),
      datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset-group/demo',
    });
    const refused = await kubectl(['apply', '-f', '-'], JSON.stringify(body)).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(refused).toMatch(/spec\.jobName: Invalid value: "_bad": must be letters/);
    expect(refused).toMatch(/spec\.datasetArn: Invalid value: "[^"]+": must be a dataset ARN/);
    expect(refused).toMatch(/spec\.roleArn: Invalid value: "[^"]+": must be an IAM role ARN/);
    expect(refused).not.toMatch(/some validation rules were not checked/);
  });

  it('accepts a full valid spec and defaults ingestionMode to PUT', async () => {
    const body = manifest('valid', {
      ...spec({
        jobName: 'Valid_name-1',
        region: 'us-east-1',
        tags: { team: 'ml', 'cost-center': '42 a/b' },
      }),
      jobOutput: {
        s3DataDestination: {
          path: 's3://my.bucket-1/p/',
          kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc',
        },
      },
    });
    await kubectl(['apply', '-f', '-'], JSON.stringify(body));
    const stored = (await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name: 'valid',
    })) as DatasetExportJob;
    expect(stored.spec.ingestionMode).toBe('PUT');
  });

  it('rejects a change to any spec field but tags, naming the field and saying what to do', async () => {
    await kubectl(['apply', '-f', '-'], JSON.stringify(manifest('frozen', spec())));
    const edit = (patch: Record<string, unknown>) =>
      api.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace, plural: PLURAL, name: 'frozen', body: { spec: patch } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await expect(edit({ ingestionMode: 'ALL' })).rejects.toThrow(
      /spec\.ingestionMode is immutable: an export job cannot be changed once created \(only spec\.tags can\); to export again, create a new DatasetExportJob/,
    );
    await expect(edit({ jobOutput: { s3DataDestination: { kmsKeyArn: null } } })).resolves.toBeDefined();
    await expect(
      edit({ jobOutput: { s3DataDestination: { kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k' } } }),
    ).rejects.toThrow(/spec\.jobOutput is immutable/);
    // Adding an optional field is a change too.
    await expect(
      kubectl(['apply', '-f', '-'], JSON.stringify(manifest('frozen', spec({ jobName: 'other' })))),
    ).rejects.toThrow(/spec\.jobName is immutable/);
    await expect(edit({ region: 'us-east-1' })).rejects.toThrow(/spec\.region is immutable/);

    const retagged = (await edit({ tags: { team: 'ml' } })) as DatasetExportJob;
    expect(retagged.spec.tags).toEqual({ team: 'ml' });
    expect(retagged.metadata?.generation).toBe(2);
    await expect(edit({ tags: { 'aws:owner': 'x' } })).rejects.toThrow(/may not start with aws:/);
  });

  it('documents every field for kubectl explain and serves the short name and categories', async () => {
    const explained = await kubectl(['explain', 'datasetexportjob.spec']);
    for (const field of [
      'jobName',
      'datasetArn',
      'ingestionMode',
      'roleArn',
      'jobOutput',
      'tags',
      'region',
    ]) {
      expect(explained).toContain(field);
    }
    expect(explained).toMatch(/immutable/);
    const status = await kubectl(['explain', 'dsej.status.conditions']);
    expect(status).toMatch(/Ready \(True only when ACTIVE\)/);
    await kubectl(['get', 'personalize', '-n', namespace]);
    await kubectl(['get', 'aws', '-n', namespace]);
  });
});

describe('DatasetExportSchedule CRD validation by the real API server', () => {
  const kc = testKubeConfig();
  let namespace: string;
  beforeAll(async () => {
    await installCrd();
    namespace = await createTestNamespace(kc, 'crd-dses');
  });

  const schedule = (
    name: string,
    change: Record<string, unknown>,
    path = 's3://bkt/dt={yyyy}-{MM}-{dd}/',
  ) => ({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'DatasetExportSchedule',
    metadata: { name, namespace },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { ...spec(), jobOutput: { s3DataDestination: { path } } } },
      ...change,
    },
  });

  const refused: [string, ReturnType<typeof schedule>, RegExp][] = [
    [
      'TZ= in the schedule',
      schedule('tz', { schedule: 'CRON_TZ=UTC 0 3 * * *' }),
      /spec\.schedule: Invalid value: "CRON_TZ=UTC 0 3 \* \* \*": TZ= and CRON_TZ= are not supported in spec\.schedule: use spec\.timeZone/,
    ],
    [
      'a schedule of four fields',
      schedule('four', { schedule: '0 3 * *' }),
      /spec\.schedule: Invalid value: "0 3 \* \*": must be five cron fields \(minute hour day-of-month month day-of-week\) or one of @yearly/,
    ],
    [
      'concurrencyPolicy Replace, saying why',
      schedule('replace', { concurrencyPolicy: 'Replace' }),
      /spec\.concurrencyPolicy: Invalid value: "Replace": must be Forbid or Allow: Replace would have to stop the running export, and AWS cannot stop an export job/,
    ],
    [
      'an unknown path placeholder',
      schedule('placeholder', {}, 's3://bkt/{day}/'),
      /spec\.jobTemplate\.spec\.jobOutput\.s3DataDestination\.path: Invalid value: "s3:\/\/bkt\/\{day\}\/": the only placeholders are \{yyyy\}, \{MM\}, \{dd\}, \{HH\}, \{mm\}/,
    ],
    [
      'a bucket name S3 refuses in the template path (every path field is checked alike)',
      schedule('bucket', {}, 's3://Bad_Bucket/dt={yyyy}/'),
      /spec\.jobTemplate\.spec\.jobOutput\.s3DataDestination\.path: Invalid value: "[^"]*": must be s3:\/\/<bucket>\/<prefix>, the bucket named by S3 rules/,
    ],
    [
      'a name too long for its runs',
      schedule('x'.repeat(53), {}),
      /metadata\.name may be at most 52 characters, so that run names \(<name>-<minutes since the epoch>\) fit/,
    ],
    [
      'a negative history limit',
      schedule('history', { successfulJobsHistoryLimit: -1 }),
      /spec\.successfulJobsHistoryLimit: Invalid value: -1: spec\.successfulJobsHistoryLimit in body should be greater than or equal to 0/,
    ],
  ];

  it.each(refused)('kubectl apply rejects %s, naming the field', async (_name, body, message) => {
    await expect(kubectl(['apply', '-f', '-'], JSON.stringify(body))).rejects.toThrow(message);
  });

  it('accepts a valid schedule and fills in the defaults', async () => {
    await kubectl(['apply', '-f', '-'], JSON.stringify(schedule('valid', { timeZone: 'Europe/Berlin' })));
    const stored = JSON.parse(await kubectl(['get', 'dses', 'valid', '-n', namespace, '-o', 'json'])) as {
      spec: Record<string, unknown>;
    };
    expect(stored.spec).toMatchObject({
      suspend: false,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(await kubectl(['explain', 'dses.spec.jobTemplate.spec.jobOutput.s3DataDestination.path'])).toMatch(
      /placeholders/,
    );
  });
});
