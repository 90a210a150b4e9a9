import { ListTagsForResourceCommand } from '@aws-sdk/client-personalize';
import { KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import { EVENT_RULE, kindRules } from '../../../src/kinds/index.js';
import { type Operator, type OperatorOptions, startOperator } from '../../../src/operator.js';
import { createDemoJob } from '../../support/emulator.js';
import { createTestNamespace, kubectl } from '../../support/kube.js';
import {
  condition,
  createJob,
  FAST,
  installCrd,
  listJobs,
  reconcileLog,
  type Stack,
  spec,
  startStack,
} from '../../support/operator.js';

describe('tenants kept apart', () => {
  let stack: Stack;
  const operators: Operator[] = [];
  beforeAll(installCrd);
  afterEach(async () => {
    for (const o of operators.splice(0)) await o.stop(1_000);
    await stack.close();
    log = reconcileLog();
  });

  // Every operator of a test logs its reconciles here: what tests wait on to know the operator looked.
  let log = reconcileLog();
  const reconcilesIn = (namespace: string, name: string) =>
    log.entries.filter((e) => e.key === `${namespace}/${name}` && e.controller === 'datasetexportjob');
  const operator = async (options: Partial<OperatorOptions>) => {
    const started = await startOperator({
      kubeConfig: stack.kc,
      logger: log.logger,
      personalizeEndpoint: stack.aws.emulator.url,
      ...FAST,
      ...options,
    });
    operators.push(started);
    return started;
  };

  const getIn = async (namespace: string, name: string) =>
    (await stack.api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
    })) as Awaited<ReturnType<Stack['get']>>;

  const waitIn = async (
    namespace: string,
    name: string,
    test: (o: Awaited<ReturnType<Stack['get']>>) => boolean,
  ) => {
    const deadline = Date.now() + 20_000;
    let last: Awaited<ReturnType<Stack['get']>> | undefined;
    while (Date.now() < deadline) {
      last = await getIn(namespace, name);
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${namespace}/${name}: ${JSON.stringify(last?.status)}`);
  };

  const awsTags = async (arn: string) =>
    Object.fromEntries(
      ((await stack.aws.client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? []).map(
        (t) => [t.tagKey, t.tagValue],
      ),
    );

  /** Namespace A's resource makes the job; B's resource names it, with adoption allowed in both. */
  async function contested() {
    const a = stack.namespace;
    const b = await createTestNamespace(stack.kc, 'tenant-b');
    for (const ns of [a, b])
      await kubectl(['annotate', 'namespace', ns, 'personalize.ops.dev/allow-adoption=true']);
    return { a, b };
  }

  async function expectRefused(a: string, b: string, arn: string) {
    const thief = await waitIn(
      b,
      'thief',
      (o) => condition(o, 'Synced')?.reason === 'OwnedByAnotherNamespace',
    );
    expect(condition(thief, 'Synced')?.message).toMatch(
      new RegExp(`^The job shared-export belongs to a DatasetExportJob in namespace ${a} `),
    );
    // Nothing of A's job is read out into B, and its tags are A's.
    expect(thief.status?.datasetExportJobArn).toBeUndefined();
    expect(thief.status?.status).toBeUndefined();
    expect(thief.status?.tags).toBeUndefined();
    expect(await awsTags(arn)).toEqual({
      team: 'a',
      'personalize.ops.dev/owner-namespace': a,
      'personalize.ops.dev/owner-name': 'export',
      'personalize.ops.dev/owner-uid': (await getIn(a, 'export')).metadata?.uid,
    });
  }

  it("keeps namespace B off namespace A's job with two operators sharded by namespace", async () => {
    stack = await startStack();
    const { a, b } = await contested();
    await operator({ namespaces: [a] });
    await operator({ namespaces: [b] });
    await createJob(stack.api, a, 'export', spec({ jobName: 'shared-export', tags: { team: 'a' } }));
    const done = await waitIn(a, 'export', (o) => o.status?.status === 'ACTIVE');
    await createJob(stack.api, b, 'thief', spec({ jobName: 'shared-export', tags: { team: 'b' } }));
    await expectRefused(a, b, done.status!.datasetExportJobArn!);
    expect((await stack.aws.stats()).TagResource).toBeUndefined();
  });

  it("keeps namespace B off namespace A's job with one operator, also once A's resource is gone", async () => {
    stack = await startStack();
    const { a, b } = await contested();
    await operator({ namespaces: [a, b] });
    await createJob(stack.api, a, 'export', spec({ jobName: 'shared-export', tags: { team: 'a' } }));
    const done = await waitIn(a, 'export', (o) => o.status?.status === 'ACTIVE');
    const arn = done.status!.datasetExportJobArn!;
    await createJob(stack.api, b, 'thief', spec({ jobName: 'shared-export', tags: { team: 'b' } }));
    await expectRefused(a, b, arn);

    const tagsBefore = await awsTags(arn);
    await kubectl(['delete', 'dsej', 'export', '-n', a, '--wait=false']);
    await expect.poll(async () => (await listJobs(stack.kc, a)).length).toBe(0);
    const looked = reconcilesIn(b, 'thief').length;
    await kubectl(['annotate', 'dsej', 'thief', '-n', b, 'personalize.ops.dev/reconcile-requested-at=again']);
    // It looked again, with the owner's resource gone, and still refused.
    await expect.poll(() => reconcilesIn(b, 'thief').length, { timeout: 10_000 }).toBeGreaterThan(looked);
    const still = await getIn(b, 'thief');
    expect(condition(still, 'Synced')?.reason).toBe('OwnedByAnotherNamespace');
    expect(still.status?.datasetExportJobArn).toBeUndefined();
    expect(await awsTags(arn)).toEqual(tagsBefore);
  });

  it("a copied jobName, refused in another namespace and in the same one, never stalls the owner's job", async () => {
    // Real speed (CREATE PENDING 2 s, IN_PROGRESS 8 s), and a safety requeue far beyond the test: the owner's
    // status can only move through its dataset's poller.
    stack = await startStack({ speed: 1 });
    const a = stack.namespace;
    const b = await createTestNamespace(stack.kc, 'copycat');
    await operator({ namespaces: [a, b], pollMinMs: 30, pollMaxMs: 120_000 });
    await createJob(stack.api, a, 'owner', spec({ jobName: 'precious' }));
    await waitIn(a, 'owner', (o) => o.status?.datasetExportJobArn !== undefined);
    await createJob(stack.api, b, 'copycat', spec({ jobName: 'precious' }));
    await createJob(stack.api, a, 'twin', spec({ jobName: 'precious' }));
    await waitIn(b, 'copycat', (o) => condition(o, 'Synced')?.reason === 'OwnedByAnotherNamespace');
    await waitIn(a, 'twin', (o) => condition(o, 'Synced')?.reason === 'AlreadyManaged');
    // The copycats are deleted while the owner's job still runs: their going releases nothing of the owner's.
    expect((await getIn(a, 'owner')).status?.status).not.toBe('ACTIVE');
    await kubectl(['delete', 'dsej', 'copycat', '-n', b]);
    await kubectl(['delete', 'dsej', 'twin', '-n', a]);
    const done = await waitIn(a, 'owner', (o) => o.status?.status === 'ACTIVE');
    const seenAt = Date.now();
    // As fast as without them: AWS's time is whole seconds, the poller lists at least every second.
    expect(seenAt - Date.parse(done.status!.lastUpdatedDateTime!)).toBeLessThan(3_000);
    expect((await stack.aws.stats()).CreateDatasetExportJob?.outcomes.OK).toBe(1);
  }, 60_000);

  it('takes no forged job as its own: matching owner tags need the opt-in, its own UID on another path is SpecMismatch', async () => {
    stack = await startStack();
    const ns = stack.namespace;
    await operator({ namespaces: [ns] });
    // Anyone allowed to create and tag jobs in the account forges the owner tags of this namespace.
    await createDemoJob(stack.aws.client, 'forged-match', 'ITEMS', 's3://exports/k8s/', {
      'personalize.ops.dev/owner-namespace': ns,
      'personalize.ops.dev/owner-name': 'lured',
      'personalize.ops.dev/owner-uid': 'made-up',
    });
    await createJob(stack.api, ns, 'lured', spec({ jobName: 'forged-match' }));
    const lured = await waitIn(ns, 'lured', (o) => condition(o, 'Synced')?.reason === 'AdoptionNotAllowed');
    expect(lured.status?.datasetExportJobArn).toBeUndefined();
    expect(lured.status?.status).toBeUndefined();

    // The victim is staged paused, so its UID can be read and copied into a job sending its data elsewhere.
    const victim = await createJob(stack.api, ns, 'victim', spec({ jobName: 'victim-job' }), {
      annotations: { 'personalize.ops.dev/paused': 'true' },
    });
    await waitIn(ns, 'victim', (o) => condition(o, 'Synced')?.reason === 'Paused');
    await createDemoJob(stack.aws.client, 'victim-job', 'ITEMS', 's3://exports/forger/', {
      'personalize.ops.dev/owner-namespace': ns,
      'personalize.ops.dev/owner-name': 'victim',
      'personalize.ops.dev/owner-uid': victim.metadata!.uid!,
    });
    await kubectl(['annotate', 'dsej', 'victim', '-n', ns, 'personalize.ops.dev/paused-']);
    const refused = await waitIn(ns, 'victim', (o) => condition(o, 'Synced')?.reason === 'SpecMismatch');
    expect(refused.status?.datasetExportJobArn).toBeUndefined();
    expect(refused.status?.status).toBeUndefined();
    const events = (await stack.events('victim')).map((e) => `${e.reason}: ${e.note}`);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^SpecMismatch: .*jobOutput\.s3DataDestination\.path is s3:\/\/exports\/forger\/, the spec says s3:\/\/exports\/k8s\//,
        ),
      ]),
    );
    expect(events.filter((e) => /^(Created|Adopted)/.test(e))).toEqual([]);
    const stats = await stack.aws.stats();
    expect(stats.CreateDatasetExportJob?.outcomes.OK).toBe(2);
    expect(stats.TagResource).toBeUndefined();
  });

  it('makes no AWS call for a namespace it may not read (the role annotation fails closed)', async () => {
    stack = await startStack();
    const rbac = stack.kc.makeApiClient(RbacAuthorizationV1Api);
    const user = `operator-without-namespaces-${stack.namespace}`;
    // Everything the operator needs (every kind's rules, from the list the install manifests use) but reading
    // namespaces.
    await rbac.createNamespacedRole({
      namespace: stack.namespace,
      body: { metadata: { name: 'operator' }, rules: [...kindRules(), EVENT_RULE] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: stack.namespace,
      body: {
        metadata: { name: 'operator' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'operator' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    });
    const limited = new KubeConfig();
    limited.loadFromOptions({
      clusters: stack.kc.clusters,
      users: [{ ...stack.kc.getCurrentUser()!, name: 'limited', impersonateUser: user } as never],
      contexts: [{ name: 'limited', cluster: stack.kc.getCurrentCluster()!.name, user: 'limited' }],
      currentContext: 'limited',
    });
    await operator({ kubeConfig: limited, namespaces: [stack.namespace] });
    await stack.create('blind', spec());
    const refused = await stack.waitFor(
      'blind',
      (o) => condition(o, 'Synced')?.reason === 'NamespaceUnreadable',
    );
    expect(condition(refused, 'Synced')?.message).toMatch(
      new RegExp(
        `^Cannot read the namespace ${stack.namespace} to learn its AWS role \\(personalize\\.ops\\.dev/role-arn\\): HTTP 403 Forbidden\\.`,
      ),
    );
    // Its retry looked again, and made no AWS call either.
    const looked = reconcilesIn(stack.namespace, 'blind').length;
    await expect
      .poll(() => reconcilesIn(stack.namespace, 'blind').length, { timeout: 10_000 })
      .toBeGreaterThan(looked);
    expect(await stack.aws.stats()).toEqual({});
  });

  it('with --require-namespace-role, calls AWS only for namespaces that name their role', async () => {
    stack = await startStack();
    await operator({
      namespaces: [stack.namespace],
      requireNamespaceRole: true,
      stsEndpoint: stack.aws.emulator.url,
    });
    await stack.create('no-role', spec());
    const refused = await stack.waitFor(
      'no-role',
      (o) => condition(o, 'Synced')?.reason === 'NoNamespaceRole',
    );
    expect(condition(refused, 'Synced')?.message).toMatch(
      /has no personalize\.ops\.dev\/role-arn annotation/,
    );
    expect(await stack.aws.stats()).toEqual({});
    await kubectl([
      'annotate',
      'namespace',
      stack.namespace,
      'personalize.ops.dev/role-arn=arn:aws:iam::123456789012:role/team-a',
    ]);
    await stack.waitFor('no-role', (o) => o.status?.status === 'ACTIVE', 45_000);
    expect((await stack.aws.stats())['STS.AssumeRole']?.calls).toBe(1);
  }, 60_000);
});
