//! Where a run's CPU went: every process of the stack on this machine, read from /proc at its start and end.
import { availableParallelism } from 'node:os';
import { sampleProcess } from './process-stats.js';

export interface CpuBudget {
  cores: number;
  /** CPU seconds each process used during the run. */
  seconds: Record<string, number>;
  total: number;
  /** The least wall time that much CPU takes on this machine's cores, however well the work overlapped. */
  boundSeconds: number;
}

/** Starts counting now for the processes `pids` names; `stop` reads them again. */
export function cpuMeter(pids: () => Record<string, number>): { stop(): CpuBudget } {
  const read = () =>
    Object.fromEntries(
      Object.entries(pids()).flatMap(([name, pid]) => {
        const sample = sampleProcess(pid);
        return sample ? [[name, sample.cpuSeconds]] : [];
      }),
    ) as Record<string, number>;
  const before = read();
  return {
    stop: () => {
      const after = read();
      const seconds = Object.fromEntries(
        Object.entries(after).map(([name, s]) => [name, Math.round((s - (before[name] ?? 0)) * 10) / 10]),
      );
      const total = Object.values(seconds).reduce((a, b) => a + b, 0);
      const cores = availableParallelism();
      return { cores, seconds, total, boundSeconds: total / cores };
    },
  };
}

export const cpuBudgetLine = (b: CpuBudget) =>
  `${Object.entries(b.seconds)
    .sort((x, y) => y[1] - x[1])
    .map(([name, s]) => `${name} ${s.toFixed(0)}`)
    .join(', ')}: ${b.total.toFixed(0)} CPU s, at least ${b.boundSeconds.toFixed(0)} s on ${b.cores} cores`;
