/**
 * The Personalize emulator's HTTP server: the operations table, admin endpoints, faults, and persistence.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import type { Operation, OperationContext } from './context.js';
import {
  createDataset,
  createDatasetGroup,
  createSchema,
  describeDataset,
  listDatasets,
} from './datasets.js';
import { ApiError, invalidInput } from './errors.js';
import { createDatasetExportJob, describeDatasetExportJob, listDatasetExportJobs } from './export-jobs.js';
import { checkFaultConfig, Faults } from './faults.js';
import { createDatasetImportJob, describeDatasetImportJob, listDatasetImportJobs } from './import-jobs.js';
import { DEFAULT_DURATIONS, type Durations, Lifecycle } from './lifecycle.js';
import { loadRecords } from './records.js';
import { applySeed, DEMO_SEED, type Seed, writeSeedObjects } from './seed.js';
import { Store } from './store.js';
import { StsEmulator } from './sts.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { parseJsonObject, readBody, send, sendError, signingScope } from './wire.js';

const OPERATIONS: Record<string, Operation> = {
  CreateDatasetExportJob: createDatasetExportJob,
  DescribeDatasetExportJob: describeDatasetExportJob,
  ListDatasetExportJobs: listDatasetExportJobs,
  CreateDatasetImportJob: createDatasetImportJob,
  DescribeDatasetImportJob: describeDatasetImportJob,
  ListDatasetImportJobs: listDatasetImportJobs,
  CreateDatasetGroup: createDatasetGroup,
  CreateSchema: createSchema,
  CreateDataset: createDataset,
  DescribeDataset: describeDataset,
  ListDatasets: listDatasets,
  ListTagsForResource: listTagsForResource,
  TagResource: tagResource,
  UntagResource: untagResource,
};

const TARGET_PREFIX = 'AmazonPersonalize.';
/** Admin endpoints live under a path AWS never serves; the SDK always posts to `/`. */
const ADMIN_PREFIX = '/_emulator/';

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** Persist state (and exported files) here; in memory with a temporary S3 folder otherwise. */
  dataDir?: string;
  accountId?: string;
  /** The region seeded data goes to. Requests are served for whatever region they are signed for. */
  region?: string;
  /** Divides every lifecycle duration: 100 makes seconds tens of milliseconds. */
  speed?: number;
  durations?: Partial<Durations>;
  /** Applied once, to a fresh state; `none` starts empty. */
  seed?: Seed | 'none';
  seedBaseDir?: string;
  logger?: Logger;
}

export interface Emulator {
  url: string;
  port: number;
  /** The folder standing for S3: `s3://bucket/prefix/` is `<s3Root>/bucket/prefix/`. */
  s3Root: string;
  close(): Promise<void>;
}

/** Starts the emulator's HTTP server; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const log = options.logger ?? pino({ name: 'personalize-emulator' });
  const account = options.accountId ?? '123456789012';
  if (!/^\d{12}$/.test(account)) throw new Error(`account id ${account} must be 12 digits`);
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed ${speed} must be a number > 0`);
  const store = new Store(options.dataDir ? join(options.dataDir, 'state.json') : undefined);
  const s3Root = options.dataDir
    ? join(options.dataDir, 's3')
    : mkdtempSync(join(tmpdir(), 'personalize-emulator-s3-'));
  mkdirSync(s3Root, { recursive: true });
  const faults = new Faults();
  const sts = new StsEmulator(account);
  /** Personalize calls per signing access key: tells tests which identity the caller used. */
  const callers = new Map<string, number>();
  const lifecycle = new Lifecycle(
    store,
    faults,
    s3Root,
    { ...DEFAULT_DURATIONS, ...options.durations },
    speed,
    log,
  );

  const context = (region: string): OperationContext => ({
    region,
    account,
    partition: region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
    state: store.region(region),
    store,
    faults,
    now: () => Date.now(),
    scheduled: (moving) => lifecycle.track(store.region(region), moving),
  });

  const defaultRegion = options.region ?? 'us-east-1';
  const seed = options.seed === 'none' ? { datasetGroups: [] } : (options.seed ?? DEMO_SEED);
  /** The seed's dataset groups into the state, and its objects into S3. */
  const applyAll = async () => {
    await applySeed(context(defaultRegion), seed, options.seedBaseDir);
    writeSeedObjects(seed, s3Root);
  };
  if (store.regions().length === 0 && options.seed !== 'none') await applyAll();
  lifecycle.resume();

  async function api(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const target = req.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    const started = Date.now();
    // Counted when the work is done, before any added latency: the counter tells what the service did.
    const count = (outcome: string) => {
      store.count(operation || 'Unknown', outcome);
      log.info({ operation, requestId, outcome, ms: Date.now() - started }, 'call');
    };
    try {
      const text = await readBody(req);
      if (req.method !== 'POST')
        throw new ApiError('UnknownOperationException', `${req.method} is not supported.`);
      const { accessKeyId, region, service } = signingScope(req.headers.authorization);
      if (service === 'sts') {
        const answer = sts.handle(text, accessKeyId);
        store.count(
          `STS.${new URLSearchParams(text).get('Action') ?? 'Unknown'}`,
          answer.status === 200 ? 'OK' : 'Error',
        );
        res.writeHead(answer.status, { 'Content-Type': 'text/xml' }).end(answer.xml);
        return;
      }
      if (service !== 'personalize') {
        throw new ApiError(
          'InvalidSignatureException',
          "Credential should be scoped to correct service: 'personalize'.",
        );
      }
      callers.set(accessKeyId, (callers.get(accessKeyId) ?? 0) + 1);
      const handler = OPERATIONS[operation];
      if (!handler)
        throw new ApiError('UnknownOperationException', `Operation ${String(target)} is not supported.`);
      const decision = faults.decide(operation);
      if (decision.kind === 'drop') {
        count('Dropped');
        req.socket.destroy();
        return;
      }
      if (decision.kind === 'error') throw decision.error;
      const result = await handler(context(region), parseJsonObject(text, 'The request body'));
      count('OK');
      // Latency delays the answer, not the work: a caller that gives up (or crashes) meanwhile has still
      // created what it asked for, as with a slow network on AWS.
      const latency = faults.latency(operation);
      if (latency) await new Promise((r) => setTimeout(r, latency));
      send(res, 200, result ?? {});
    } catch (err) {
      const apiError =
        err instanceof ApiError
          ? err
          : new ApiError(
              'InternalFailure',
              'The request processing has failed because of an unknown error.',
              500,
            );
      if (!(err instanceof ApiError)) log.error({ err, requestId }, 'unexpected failure');
      count(apiError.httpStatus >= 500 ? `HTTP${apiError.httpStatus}` : apiError.code);
      sendError(res, apiError);
    }
  }

  async function admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const text = await readBody(req);
    const route = `${req.method} ${url.pathname.slice(ADMIN_PREFIX.length)}`;
    switch (route) {
      case 'GET health':
        return send(res, 200, { ok: true }, 'application/json');
      case 'GET stats':
        return send(
          res,
          200,
          {
            operations: store.stats(),
            callers: Object.fromEntries(
              [...callers].map(([key, calls]) => [key, { calls, role: sts.assumed.get(key) }]),
            ),
          },
          'application/json',
        );
      case 'POST reset': {
        const what = url.searchParams.get('what') ?? 'all';
        if (what !== 'all' && what !== 'stats') throw invalidInput(`what: ${what} is not one of all, stats`);
        store.reset(what);
        if (what === 'all') {
          // The queued transitions belong to the replaced state: none may run (and write exports) from now on.
          lifecycle.resume();
          faults.set({});
          rmSync(s3Root, { recursive: true, force: true });
          mkdirSync(s3Root, { recursive: true });
          await applyAll();
        }
        await store.persist();
        return send(res, 200, { reset: what }, 'application/json');
      }
      case 'GET jobs': {
        const region = store.region(url.searchParams.get('region') ?? defaultRegion);
        const jobs = Object.values(region.exportJobs).map((j) => ({
          datasetExportJobArn: j.datasetExportJobArn,
          datasetArn: j.datasetArn,
          status: j.status,
          history: j.history ?? [],
        }));
        return send(res, 200, { jobs }, 'application/json');
      }
      case 'GET faults':
        return send(res, 200, faults.current, 'application/json');
      case 'PUT faults':
        faults.set(checkFaultConfig(parseJsonObject(text, 'The faults document')));
        return send(res, 200, faults.current, 'application/json');
      case 'POST records': {
        const region = url.searchParams.get('region') ?? defaultRegion;
        const datasetArn = url.searchParams.get('datasetArn') ?? '';
        const loaded = loadRecords(
          store.region(region),
          datasetArn,
          url.searchParams.get('origin') ?? '',
          text,
        );
        await store.persist();
        return send(res, 200, { loaded }, 'application/json');
      }
      default:
        throw new ApiError('NotFound', `No admin endpoint ${route}`, 404);
    }
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const handled = url.pathname.startsWith(ADMIN_PREFIX) ? admin(req, res, url) : api(req, res, requestId);
    handled.catch((err: unknown) => {
      if (res.headersSent) return;
      sendError(res, err instanceof ApiError ? err : new ApiError('InternalFailure', String(err), 500));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info({ url, s3Root, account, speed, dataDir: options.dataDir }, 'Personalize emulator listening');
  return {
    url,
    port,
    s3Root,
    close: async () => {
      lifecycle.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.persist();
      if (!options.dataDir) rmSync(s3Root, { recursive: true, force: true });
    },
  };
}
