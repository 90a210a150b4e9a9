import { ListTagsForResourceCommand } from '@aws-sdk/client-personalize';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import { condition, installCrd, type Stack, spec, startStack } from '../../support/operator.js';

describe('spec.tags, the one field that can change', () => {
  let stack: Stack;
  beforeAll(installCrd);
  afterEach(() => stack.close());

  const patchTags = (name: string, tags: Record<string, string | null>) =>
    stack.api.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        namespace: stack.namespace,
        plural: PLURAL,
        name,
        body: { spec: { tags } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  const awsTags = async (arn: string) =>
    Object.fromEntries(
      ((await stack.aws.client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? []).map(
        (t) => [t.tagKey, t.tagValue],
      ),
    );
  /** The operator's owner tags, which tag sync keeps whatever spec.tags says. */
  const owner = (obj: { metadata?: { name?: string; uid?: string } }) => ({
    'personalize.ops.dev/owner-namespace': stack.namespace,
    'personalize.ops.dev/owner-name': obj.metadata?.name,
    'personalize.ops.dev/owner-uid': obj.metadata?.uid,
  });
  const applied =
    (generation: number) =>
    (o: {
      metadata?: { generation?: number };
      status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
    }) =>
      o.metadata?.generation === generation &&
      o.status?.observedGeneration === generation &&
      o.status.conditions?.find((c) => c.type === 'Synced')?.status === 'True';

  it('applies edits to a finished job with only the calls needed, and never creates it again', async () => {
    stack = await startStack();
    await stack.startOperator();
    await stack.create('tagged', spec({ tags: { team: 'ml', owner: 'ana' } }));
    const done = await stack.waitFor('tagged', (o) => o.status?.status === 'ACTIVE');
    const arn = done.status?.datasetExportJobArn ?? '';
    expect(done.status?.tags).toEqual({ team: 'ml', owner: 'ana' });
    // Create set the tags: nothing is read back.
    expect((await stack.aws.stats()).ListTagsForResource).toBeUndefined();

    await patchTags('tagged', { team: 'search', owner: null, env: 'prod' });
    const edited = await stack.waitFor('tagged', applied(2));
    expect(edited.status?.tags).toEqual({ team: 'search', env: 'prod' });
    expect(edited.status?.status).toBe('ACTIVE');
    expect(await awsTags(arn)).toEqual({ team: 'search', env: 'prod', ...owner(done) });
    const stats = await stack.aws.stats();
    expect(stats.CreateDatasetExportJob?.calls).toBe(1);
    expect(stats.TagResource?.calls).toBe(1);
    expect(stats.UntagResource?.calls).toBe(1);

    await expect
      .poll(async () =>
        (await stack.events('tagged')).filter((e) => e.reason === 'TagsUpdated').map((e) => e.note),
      )
      .toEqual(['Tags set env, team; removed owner']);
  });

  it('shows a failing tag call in Synced, keeps the status mirrored, and applies the tags once AWS recovers', async () => {
    stack = await startStack();
    await stack.startOperator();
    await stack.create('retried', spec());
    const done = await stack.waitFor('retried', (o) => o.status?.status === 'ACTIVE');
    await stack.aws.setFaults({ errorRates: { TagResource: { HTTP503: 1 } } });
    await patchTags('retried', { team: 'ml' });
    const failing = await stack.waitFor('retried', (o) => condition(o, 'Synced')?.status === 'False');
    expect(condition(failing, 'Synced')).toMatchObject({ reason: 'AWSUnavailable' });
    expect(condition(failing, 'Synced')?.message).toMatch(/^Could not apply spec\.tags: /);
    expect(failing.status?.status).toBe('ACTIVE');
    expect(condition(failing, 'Complete')?.status).toBe('True');
    expect(failing.status?.tags).toBeUndefined();

    await stack.aws.setFaults({});
    const recovered = await stack.waitFor('retried', applied(2));
    expect(recovered.status?.tags).toEqual({ team: 'ml' });
    expect(await awsTags(done.status?.datasetExportJobArn ?? '')).toEqual({ team: 'ml', ...owner(done) });
    expect((await stack.aws.stats()).CreateDatasetExportJob?.calls).toBe(1);
  });
});
