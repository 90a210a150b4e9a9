import {
  CustomObjectsApi,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, kubectl, testKubeConfig } from '../support/kube.js';

// A small CRD that exercises exactly what only a real API server provides.
const group = 'harness.example.test';
const plural = 'widgets';
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Colour', type: 'string', jsonPath: '.spec.colour' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { colour: { type: 'string' } },
                'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'spec is immutable' }],
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

interface Widget extends KubernetesObject {
  spec: { colour: string };
  status?: { phase?: string };
}

describe('the control plane started by the tests', () => {
  const kc = testKubeConfig();
  const objects = kc.makeApiClient(CustomObjectsApi);
  let namespace: string;

  beforeAll(async () => {
    // kubectl sends the wire names as written; client-node's typed serializer would silently drop
    // `x-kubernetes-validations` from a plain object (it expects `xKubernetesValidations`).
    await kubectl(['apply', '-f', '-'], JSON.stringify(crd));
    await kubectl(['wait', '--for=condition=Established', '--timeout=30s', `crd/${plural}.${group}`]);
    namespace = await createTestNamespace(kc, 'harness');
  });

  it('enforces CEL, serves /status without bumping generation, streams watches and renders printer columns', async () => {
    const created = (await objects.createNamespacedCustomObject({
      group,
      version: 'v1',
      namespace,
      plural,
      body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { colour: 'red' } },
    })) as Widget;
    expect(created.metadata?.generation).toBe(1);

    await expect(
      objects.patchNamespacedCustomObject(
        { group, version: 'v1', namespace, plural, name: 'w1', body: { spec: { colour: 'blue' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    ).rejects.toThrow(/spec is immutable/);

    const seen = new Promise<Widget>((resolve, reject) => {
      const watch = new Watch(kc);
      let request: AbortController | undefined;
      watch
        .watch(
          `/apis/${group}/v1/namespaces/${namespace}/${plural}`,
          { resourceVersion: created.metadata?.resourceVersion },
          (type, obj: Widget) => {
            if (type === 'MODIFIED' && obj.status?.phase === 'Done') {
              request?.abort();
              resolve(obj);
            }
          },
          (err) => err && err.name !== 'AbortError' && reject(err),
        )
        .then((r) => {
          request = r;
        }, reject);
    });
    const patched = (await objects.patchNamespacedCustomObjectStatus(
      { group, version: 'v1', namespace, plural, name: 'w1', body: { status: { phase: 'Done' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Widget;
    expect(patched.status?.phase).toBe('Done');
    expect(patched.metadata?.generation).toBe(1);
    expect(patched.spec.colour).toBe('red');

    const watched = await seen;
    expect(watched.metadata?.resourceVersion).toBe(patched.metadata?.resourceVersion);

    const table = await kubectl(['get', `${plural}.${group}`, '-n', namespace]);
    expect(table).toMatch(/^NAME\s+COLOUR$/m);
    expect(table).toMatch(/^w1\s+red$/m);
  });

  it('runs kube-controller-manager: owner references are collected, namespaces finish deleting, Deployments get ReplicaSets', async () => {
    const own = await createTestNamespace(kc, 'kcm');
    const parent = (await objects.createNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: own,
      plural,
      body: {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'parent' },
        spec: { colour: 'red' },
      },
    })) as Widget;
    await objects.createNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: own,
      plural,
      body: {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: {
          name: 'child',
          ownerReferences: [
            {
              apiVersion: `${group}/v1`,
              kind: 'Widget',
              name: 'parent',
              uid: parent.metadata?.uid,
              controller: true,
            },
          ],
        },
        spec: { colour: 'blue' },
      },
    });
    await kubectl(['delete', `${plural}.${group}`, 'parent', '-n', own, '--wait=true']);
    await kubectl(['wait', '--for=delete', '--timeout=30s', `${plural}.${group}/child`, '-n', own]);

    // A Deployment gets its ReplicaSet and a pod, which stays Pending: no scheduler or kubelet runs.
    await kubectl(['create', 'deployment', 'web', '--image=example.invalid/web:1', '-n', own]);
    await kubectl([
      'wait',
      '--for=jsonpath={.status.replicas}=1',
      '--timeout=30s',
      'replicaset',
      '-l',
      'app=web',
      '-n',
      own,
    ]);
    expect(await kubectl(['get', 'pods', '-n', own, '-o', 'jsonpath={.items[*].status.phase}'])).toBe(
      'Pending',
    );

    // Deleting the namespace completes (its content, the pod included, is removed).
    await kubectl(['delete', 'namespace', own, '--timeout=60s']);
    await expect(kubectl(['get', 'namespace', own])).rejects.toThrow(/not found/);
  });
});
