import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createPki } from '../../src/local/pki.js';

/** What the proxy does with a request: pass it on, hold it until released, or answer it itself. */
export type Verdict =
  | { kind: 'pass' }
  | { kind: 'hold' }
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string };

export interface ApiProxy {
  /** A kubeconfig for clients that go through the proxy (its own CA; it talks to the server as admin). */
  kubeConfig: KubeConfig;
  /** Decides each request: by method and URL. */
  rule: (method: string, url: URL) => Verdict;
  /** Every request seen, in order: `METHOD path?query` and when. */
  readonly seen: { at: number; line: string }[];
  /** Watch streams now open through the proxy. */
  readonly watches: number;
  /** Ends every open watch stream cleanly, as the API server does at a watch's timeout. */
  endWatches(): void;
  /** Passes on the requests held so far. */
  release(): void;
  /** Whether any watch response carried an in-stream error event with code 410 (Gone). */
  readonly sawGone: boolean;
  close(): Promise<void>;
}

/**
 * An HTTPS proxy in front of a real API server, for provoking what a server does rarely: 429s with
 * Retry-After, watches ended or held back while the server compacts. Clients reach it with a kubeconfig of
 * its own; it reaches the server with the admin credentials of `upstream`.
 */
export async function startApiProxy(upstream: KubeConfig): Promise<ApiProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'api-proxy-'));
  const pki = await createPki(dir);
  const cluster = upstream.getCurrentCluster()!;
  const user = upstream.getCurrentUser()!;
  const target = new URL(cluster.server);
  const tls = {
    ca: Buffer.from(cluster.caData!, 'base64'),
    cert: Buffer.from(user.certData!, 'base64'),
    key: Buffer.from(user.keyData!, 'base64'),
  };
  const open = new Set<ServerResponse>();
  const held: (() => void)[] = [];
  let sawGone = false;

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = request(
      {
        ...tls,
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...withoutAuthorization(req.headers), host: target.host },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        // As the API server does for a watch: headers go out at once, before the first event.
        res.flushHeaders();
        const watching = req.url?.includes('watch=true') ?? false;
        if (watching) open.add(res);
        upstreamRes.on('data', (chunk: Buffer) => {
          if (watching && /"code":410/.test(chunk.toString())) sawGone = true;
        });
        upstreamRes.pipe(res);
        res.on('close', () => {
          open.delete(res);
          upstreamRes.destroy();
        });
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };

  const proxy: ApiProxy = {
    kubeConfig: new KubeConfig(),
    rule: () => ({ kind: 'pass' }),
    seen: [],
    get watches() {
      return open.size;
    },
    endWatches() {
      for (const res of open) res.end();
      open.clear();
    },
    release() {
      for (const pass of held.splice(0)) pass();
    },
    get sawGone() {
      return sawGone;
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const server: Server = createServer(
    { key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert) },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://proxy');
      proxy.seen.push({ at: Date.now(), line: `${req.method} ${url.pathname}${url.search}` });
      const verdict = proxy.rule(req.method ?? 'GET', url);
      if (verdict.kind === 'pass') return forward(req, res);
      if (verdict.kind === 'hold') return void held.push(() => forward(req, res));
      res.writeHead(verdict.status, { 'content-type': 'application/json', ...verdict.headers });
      res.end(verdict.body ?? '{}');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'proxy',
        server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        caData: readFileSync(pki.caCert).toString('base64'),
      },
    ],
    users: [{ name: 'through-proxy', token: 'the-proxy-authenticates-itself' }],
    contexts: [{ name: 'proxy', cluster: 'proxy', user: 'through-proxy' }],
    currentContext: 'proxy',
  });
  return proxy;
}

/** The proxy is the one the server authenticates (by its client certificate); the client's token stays here. */
function withoutAuthorization(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const { authorization: _dropped, ...rest } = headers;
  return rest;
}
