import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJob } from '../../../src/kinds/dataset-export-job/job.js';
import { JobGateway } from '../../../src/personalize-job/gateway.js';
import type { Identity } from '../../../src/personalize-job/observation.js';
import {
  ACCOUNT,
  demoDataset,
  REGION,
  startTestEmulator,
  type TestEmulator,
} from '../../support/emulator.js';

const identity: Identity = {
  region: REGION,
  account: ACCOUNT,
  partition: 'aws',
  jobName: 'paced',
  arn: `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset-export-job/paced`,
};
const log = pino({ level: 'silent' });

describe('the client pool paces against AWS throttling', () => {
  let t: TestEmulator;
  let gateway: JobGateway<unknown>;
  afterEach(async () => {
    gateway.destroy();
    await t.close();
  });

  it('cuts the rate for a throttle the SDK retried away, and counts every throttled attempt', async () => {
    t = await startTestEmulator();
    const throttled: string[] = [];
    gateway = new JobGateway({
      kind: exportJob,
      endpoint: t.emulator.url,
      logger: log,
      rateLimit: { perSecond: 50, burst: 50 },
      throttled: (operation) => throttled.push(operation),
    });
    // A service that takes 5 calls/s (burst 5) against a client starting at 50/s.
    await t.setFaults({ rateLimits: { ListDatasetExportJobs: { perSecond: 5, burst: 5 } } });
    // Twenty sweeps of distinct datasets at once: the server throttles some attempts, the SDK retries them.
    const sweeps = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gateway.fromList(identity, `${demoDataset('USERS').replace('/USERS', '')}/x${i}/USERS`, log),
      ),
    );
    const refused = (await t.stats()).ListDatasetExportJobs?.outcomes.LimitExceededException ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(throttled.length).toBe(refused);
    expect(throttled.every((op) => op === 'ListDatasetExportJobs')).toBe(true);
    const rate = gateway.rates().find((r) => r.operation === 'ListDatasetExportJobs');
    expect(rate).toMatchObject({ account: ACCOUNT, region: REGION });
    expect(rate!.perSecond).toBeLessThan(50);
    // The other operations keep their own rate.
    expect(gateway.rates().filter((r) => r.operation !== 'ListDatasetExportJobs')).toEqual([]);
    expect(sweeps.filter((s) => s.kind === 'failed').length).toBeLessThan(sweeps.length);
  });
});
