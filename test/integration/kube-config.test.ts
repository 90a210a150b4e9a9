import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki, type Pki } from '../../src/local/pki.js';
import { PooledKubeConfig } from '../../src/runtime/kube-config.js';

/**
 * A TLS server standing in for the API server, counting the TLS connections clients open to it: what
 * client-node does per call is seen on the wire, not assumed.
 */
describe('PooledKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kube-config-'));
  let pki: Pki;
  let server: Server;
  let connections = 0;

  beforeAll(async () => {
    pki = await createPki(dir);
    server = createServer(
      {
        key: readFileSync(pki.serverKey),
        cert: readFileSync(pki.serverCert),
        ca: readFileSync(pki.caCert),
        requestCert: true,
      },
      (req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url?.includes('watch=true')) {
          res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`);
          res.end();
          return;
        }
        res.end(JSON.stringify({ kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] }));
      },
    );
    server.on('secureConnection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const load = (kc: KubeConfig) => {
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          caFile: pki.caCert,
        },
      ],
      users: [{ name: 'u', certFile: pki.adminCert, keyFile: pki.adminKey }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return kc;
  };

  const callsOpen = async (kc: KubeConfig) => {
    const before = connections;
    const api = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 20; i++) await api.listNamespace();
    await new Promise<void>((resolve, reject) =>
      new Watch(kc).watch(
        '/api/v1/namespaces',
        {},
        () => undefined,
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    for (let i = 0; i < 5; i++) await api.listNamespace();
    return connections - before;
  };

  it('is still needed: client-node opens a TLS connection per API call', async () => {
    expect(await callsOpen(load(new KubeConfig()))).toBeGreaterThanOrEqual(26);
  });

  it('reuses one keep-alive connection for calls and watches to one server with one identity', async () => {
    const pooled = load(new PooledKubeConfig()) as PooledKubeConfig;
    expect(await callsOpen(pooled)).toBeLessThanOrEqual(2);
    pooled.destroyAgents();
  });
});
