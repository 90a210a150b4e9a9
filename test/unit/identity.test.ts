import { describe, expect, it } from 'vitest';
import { AWS, anchored } from '../../src/api/aws-constraints.js';
import { exportJob } from '../../src/kinds/dataset-export-job/job.js';
import { derivedJobName, identityOf } from '../../src/personalize-job/identity.js';
import type { Identity } from '../../src/personalize-job/observation.js';
import { identity, resource } from '../support/decide-fixtures.js';

describe('identityOf', () => {
  it('derives account, region and ARN from the dataset ARN', () => {
    expect(identity).toMatchObject({ region: 'us-east-1', account: '123456789012', partition: 'aws' });
    expect(identity.arn).toBe(
      `arn:aws:personalize:us-east-1:123456789012:dataset-export-job/${identity.jobName}`,
    );
  });
  it('uses spec.jobName when given', () => {
    const named = resource({ spec: { ...resource().spec, jobName: 'mine' } });
    expect((identityOf(exportJob, named, {}) as Identity).jobName).toBe('mine');
  });
  it('takes the region by precedence and the role from the namespace', () => {
    const noRegion = resource({
      spec: { ...resource().spec, datasetArn: 'arn:aws:personalize::123456789012:dataset/demo/ITEMS' },
    });
    expect(
      identityOf(exportJob, noRegion, { namespaceRegion: 'eu-west-1', defaultRegion: 'us-west-2' }),
    ).toMatchObject({
      region: 'eu-west-1',
    });
    expect(identityOf(exportJob, noRegion, { defaultRegion: 'us-west-2' })).toMatchObject({
      region: 'us-west-2',
    });
    expect(identityOf(exportJob, noRegion, {})).toEqual({ invalid: expect.stringMatching(/^no region/) });
    expect(identityOf(exportJob, resource(), { namespaceRegion: 'eu-west-1' })).toMatchObject({
      region: 'us-east-1',
    });
    const role = 'arn:aws:iam::210987654321:role/team-a';
    expect(identityOf(exportJob, resource(), { roleArn: role })).toMatchObject({ roleArn: role });
    expect(identityOf(exportJob, resource(), { roleArn: 'team-a' })).toEqual({
      invalid: expect.stringMatching(/role-arn is not an IAM role ARN/),
    });
  });

  it('refuses a spec.region that differs from the dataset region', () => {
    const wrong = resource({ spec: { ...resource().spec, region: 'eu-west-1' } });
    expect(identityOf(exportJob, wrong, {})).toEqual({
      invalid: expect.stringMatching(/spec.region eu-west-1 differs from the dataset's region us-east-1/),
    });
  });
});

const namePattern = new RegExp(anchored(AWS.name.pattern));

describe('derivedJobName', () => {
  it('is deterministic, fits AWS rules and differs per UID', () => {
    const a = derivedJobName('ml-team', 'weekly.export', 'uid-a');
    expect(a).toBe(derivedJobName('ml-team', 'weekly.export', 'uid-a'));
    expect(a).toMatch(/^ml-team-weekly-export-[0-9a-f]{10}$/);
    expect(derivedJobName('ml-team', 'weekly.export', 'uid-b')).not.toBe(a);
  });
  it('stays within 63 characters and the pattern for long names', () => {
    const long = derivedJobName('n'.repeat(63), 'x'.repeat(253), 'uid');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(namePattern);
  });
});
