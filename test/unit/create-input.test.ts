import { describe, expect, it } from 'vitest';
import { exportJob } from '../../src/kinds/dataset-export-job/job.js';
import { createRequest } from '../../src/personalize-job/create-request.js';
import { DATASET, identity, resource } from '../support/decide-fixtures.js';

describe('createRequest', () => {
  it('sends the spec with PUT made explicit and tags as AWS pairs, with the owner tags', () => {
    const r = resource({ spec: { ...resource().spec, tags: { team: 'ml' } } });
    expect(createRequest(exportJob, r, identity)).toEqual({
      jobName: identity.jobName,
      datasetArn: DATASET,
      ingestionMode: 'PUT',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      jobOutput: { s3DataDestination: { path: 's3://b/' } },
      tags: [
        { tagKey: 'team', tagValue: 'ml' },
        { tagKey: 'personalize.ops.dev/owner-namespace', tagValue: 'ml' },
        { tagKey: 'personalize.ops.dev/owner-name', tagValue: 'job' },
        { tagKey: 'personalize.ops.dev/owner-uid', tagValue: 'uid-1' },
      ],
    });
  });
});
