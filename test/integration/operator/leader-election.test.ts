import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installCrd, type Stack, spec, startStack } from '../../support/operator.js';
import { type OperatorProcess, spawnOperator } from '../../support/operator-process.js';

const ELECTION = [
  '--leader-elect',
  '--lease-duration',
  '3s',
  '--renew-deadline',
  '2s',
  '--retry-period',
  '300ms',
];

describe('leader election across two operator processes', () => {
  let stack: Stack;
  const processes: OperatorProcess[] = [];
  beforeAll(installCrd);
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.kill('SIGKILL');
    await stack.close();
  });

  async function holder(): Promise<string | undefined> {
    const api = stack.kc.makeApiClient(CoordinationV1Api);
    const lease = await api
      .readNamespacedLease({ name: 'personalize-operator', namespace: stack.namespace })
      .catch(() => undefined);
    return lease?.spec?.holderIdentity;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  function start(): OperatorProcess {
    const p = spawnOperator(stack.aws.emulator.url, stack.namespace, [
      ...ELECTION,
      '--leader-election-namespace',
      stack.namespace,
    ]);
    processes.push(p);
    return p;
  }

  const identityOf = (p: OperatorProcess) => `-${p.child.pid}`;

  it('only the leader reconciles; a standby takes over within the lease duration when the leader dies', async () => {
    stack = await startStack({ speed: 1, durations: { exportPendingMs: 200, exportInProgressMs: 2_000 } });
    const [a, b] = [start(), start()];
    const leaderId = await until('a leader', holder);
    const [leader, standby] = leaderId.endsWith(identityOf(a)) ? [a, b] : [b, a];
    for (const name of ['h1', 'h2', 'h3']) await stack.create(name, spec());
    await stack.waitFor('h3', (o) => o.status?.status === 'CREATE IN_PROGRESS');
    expect(standby.output()).not.toMatch(/"msg":"status written"/);

    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    const next = await until('a new leader', async () => {
      const h = await holder();
      return h && h !== leaderId ? h : undefined;
    });
    const failoverMs = Date.now() - killedAt;
    expect(next.endsWith(identityOf(standby))).toBe(true);
    // Lease 3 s after the last renewal, plus one retry period, plus polling slack.
    expect(failoverMs).toBeLessThan(3_000 + 300 + 1_500);
    console.log(`failover after SIGKILL of the leader: ${failoverMs} ms (lease duration 3 s)`);

    await stack.create('h4', spec());
    for (const name of ['h1', 'h2', 'h3', 'h4'])
      await stack.waitFor(name, (o) => o.status?.status === 'ACTIVE');
    expect((await stack.aws.stats()).CreateDatasetExportJob?.calls).toBe(4);
  });

  it('hands the lease over at once on SIGTERM, with no job half-created', async () => {
    stack = await startStack({ speed: 1, durations: { exportPendingMs: 200, exportInProgressMs: 500 } });
    const [a, b] = [start(), start()];
    const leaderId = await until('a leader', holder);
    const [leader, standby] = leaderId.endsWith(identityOf(a)) ? [a, b] : [b, a];
    const names = Array.from({ length: 15 }, (_, i) => `burst-${i}`);
    await Promise.all(names.map((n) => stack.create(n, spec())));
    const stoppedAt = Date.now();
    expect(await leader.kill('SIGTERM')).toBe(0);
    expect(leader.output()).toMatch(/"msg":"released the lease"/);
    await until('the standby to lead', async () =>
      (await holder())?.endsWith(identityOf(standby)) ? true : undefined,
    );
    const handoverMs = Date.now() - stoppedAt;
    console.log(`handover after SIGTERM: ${handoverMs} ms`);
    expect(handoverMs).toBeLessThan(2_500);
    for (const name of names) await stack.waitFor(name, (o) => o.status?.status === 'ACTIVE');
    const creates = (await stack.aws.stats()).CreateDatasetExportJob!;
    expect(creates.outcomes.OK).toBe(names.length);
    expect(creates.calls).toBe(names.length);
  });

  it('steps down and exits when it cannot renew, before its lease would expire', async () => {
    stack = await startStack();
    const leader = start();
    const leaderId = await until('a leader', holder);
    const api = stack.kc.makeApiClient(CoordinationV1Api);
    const lease = await api.readNamespacedLease({ name: 'personalize-operator', namespace: stack.namespace });
    // Another party takes the lease: from now on every renewal by the leader is refused.
    const stolenAt = Date.now();
    await api.replaceNamespacedLease({
      name: 'personalize-operator',
      namespace: stack.namespace,
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60 } },
    });
    const exitCode = await until(
      'the leader to exit',
      async () => leader.child.exitCode ?? undefined,
      10_000,
    );
    expect(exitCode).toBe(1);
    expect(Date.now() - stolenAt).toBeLessThan(3_000);
    expect(leader.output()).toMatch(/leader election lost/);
    expect(leaderId).not.toBe('intruder');
  });
});
