/**
 * The small HTTP server behind /metrics, /healthz and /readyz.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = () => Promise<{ status: number; body: string; contentType?: string }>;

/** A small HTTP server for probes and metrics; resolves with its bound address once it listens. */
export async function serve(
  addr: { host: string; port: number },
  routes: Record<string, Route>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route || req.method !== 'GET') {
      res.writeHead(404).end('not found\n');
      return;
    }
    route().then(
      ({ status, body, contentType }) =>
        res.writeHead(status, { 'Content-Type': contentType ?? 'text/plain' }).end(body),
      (err: unknown) => res.writeHead(500).end(`${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return { server, url: `http://${address.includes(':') ? `[${address}]` : address}:${port}` };
}
