import { CustomObjectsApi, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { PLURAL } from '../../../src/kinds/dataset-export-job/schema.js';
import type { DatasetExportJob } from '../../../src/kinds/dataset-export-job/types.js';
import { ResilientInformer } from '../../../src/runtime/informer.js';
import { createTestNamespace, testKubeConfig } from '../../support/kube.js';
import { createJob, installCrd, spec } from '../../support/operator.js';

/** The admin kubeconfig, impersonating a user whose only rights come from a RoleBinding the test controls. */
function impersonating(admin: KubeConfig, user: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: admin.clusters,
    users: [{ ...admin.getCurrentUser()!, name: 'limited', impersonateUser: user } as never],
    contexts: [{ name: 'limited', cluster: admin.getCurrentCluster()!.name, user: 'limited' }],
    currentContext: 'limited',
  });
  return kc;
}

describe('ResilientInformer against the real API server', () => {
  const admin = testKubeConfig();
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const objects = admin.makeApiClient(CustomObjectsApi);
  let informer: ResilientInformer<DatasetExportJob> | undefined;
  beforeAll(installCrd);
  afterEach(() => informer?.stop());

  const binding = (namespace: string) => ({
    metadata: { name: 'reader', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'informer-user' }],
  });

  it('recycles its watch on the server timeout and recovers after errors stop it', async () => {
    const namespace = await createTestNamespace(admin, 'informer');
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'reader', namespace },
        rules: [{ apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({ namespace, body: binding(namespace) });
    const kc = impersonating(admin, 'informer-user');
    const seen = new Set<string>();
    const warnings: string[] = [];
    informer = new ResilientInformer<DatasetExportJob>({
      kubeConfig: kc,
      resource: { group: GROUP, version: VERSION, plural: PLURAL, namespace },
      watchTimeoutSeconds: 1,
      onChange: (obj) => seen.add(obj.metadata?.name ?? ''),
      onDelete: () => undefined,
      logger: pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) }),
    });
    const create = (name: string) => createJob(objects, namespace, name, spec());
    const until = async (name: string) => {
      for (let i = 0; i < 200 && !seen.has(name); i++) await new Promise((r) => setTimeout(r, 50));
      return seen.has(name);
    };

    await informer.start();
    expect(informer.hasSynced).toBe(true);
    // Several server-side watch timeouts pass; events still arrive.
    await new Promise((r) => setTimeout(r, 2_500));
    await create('after-timeouts');
    expect(await until('after-timeouts')).toBe(true);

    // Losing access makes the next watch fail, which stops client-node's informer for good.
    const failing = (w: string) => /watch failed; restarting|list or watch failed; retrying/.test(w);
    await rbac.deleteNamespacedRoleBinding({ name: 'reader', namespace });
    await expect.poll(() => warnings.some(failing), { timeout: 10_000 }).toBe(true);
    await create('while-forbidden');
    // Proof that it looked again after the object existed, and could not see it: a later attempt failed too.
    const attempts = warnings.filter(failing).length;
    await expect.poll(() => warnings.filter(failing).length, { timeout: 15_000 }).toBeGreaterThan(attempts);
    expect(seen.has('while-forbidden')).toBe(false);

    await rbac.createNamespacedRoleBinding({ namespace, body: binding(namespace) });
    expect(await until('while-forbidden')).toBe(true);
    await create('after-recovery');
    expect(await until('after-recovery')).toBe(true);
    expect(informer.list().every((o) => o.metadata?.managedFields === undefined)).toBe(true);
  }, 30_000);

  it('lists in pages, with the label selector on every page, and slims each object', async () => {
    const namespace = await createTestNamespace(admin, 'informer-pages');
    // As `kubectl apply` leaves it: the whole manifest again in an annotation the operator never reads.
    const annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"DatasetExportJob"}',
      team: 'ml',
    };
    for (let i = 0; i < 5; i++)
      await createJob(objects, namespace, `paged-${i}`, spec(), { labels: { shard: 'a' }, annotations });
    await createJob(objects, namespace, 'other-shard', spec(), { labels: { shard: 'b' } });
    const seen: string[] = [];
    informer = new ResilientInformer<DatasetExportJob>({
      kubeConfig: admin,
      resource: { group: GROUP, version: VERSION, plural: PLURAL, namespace },
      labelSelector: 'shard=a',
      pageSize: 2,
      watchTimeoutSeconds: 60,
      onChange: (obj) => seen.push(obj.metadata?.name ?? ''),
      onDelete: () => undefined,
      logger: pino({ level: 'silent' }),
    });
    await informer.start();
    // Three pages of at most two: a list that stopped after its first page would hold two.
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
    expect(seen.sort()).toEqual(['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
    for (const o of informer.list()) {
      expect(o.metadata?.managedFields).toBeUndefined();
      expect(o.metadata?.annotations).toEqual({ team: 'ml' });
      expect(o.metadata?.labels).toEqual({ shard: 'a' });
      expect(o.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(o.spec).toMatchObject(spec());
    }
  });
});
