/**
 * Processes started by this package are recorded in pid files under a run folder, so that a later run can
 * stop what an interrupted (SIGKILLed) run left behind. A process is recognised by its pid *and* the
 * executable recorded when it was started, never by name, so nothing else on the machine is ever touched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where every run's folder of pid files lives. */
export const RUNS_ROOT = join(tmpdir(), 'personalize-operator-runs');

interface Identity {
  pid: number;
  startTime: string;
}

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) follows the parenthesised command name, which may itself contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(id: Identity): boolean {
  return startTimeOf(id.pid) === id.startTime;
}

function executableOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

function killRecorded(runDir: string, signal: NodeJS.Signals): void {
  for (const file of readdirSync(runDir).filter((f) => f.endsWith('.pid'))) {
    try {
      const [pid, startTime, exe] = readFileSync(join(runDir, file), 'utf8').split('\n');
      const id = { pid: Number(pid), startTime: startTime ?? '' };
      if (isAlive(id) && executableOf(id.pid) === exe) process.kill(id.pid, signal);
    } catch {
      // A pid file being written or a process that just exited: nothing to stop.
    }
  }
}

/** Stops processes of earlier runs whose owner is gone, and removes their folders. Returns how many runs. */
export function reapStaleRuns(): number {
  let reaped = 0;
  let runs: string[];
  try {
    runs = readdirSync(RUNS_ROOT);
  } catch {
    return 0;
  }
  for (const name of runs) {
    const runDir = join(RUNS_ROOT, name);
    try {
      const [pid, startTime] = readFileSync(join(runDir, 'owner'), 'utf8').split('\n');
      if (isAlive({ pid: Number(pid), startTime: startTime ?? '' })) continue;
    } catch {
      // No owner file: the run died while creating its folder.
    }
    killRecorded(runDir, 'SIGKILL');
    rmSync(runDir, { recursive: true, force: true });
    reaped++;
  }
  return reaped;
}

export interface OwnedProcess {
  child: ChildProcess;
  name: string;
  logPath: string;
  exited: Promise<number | null>;
}

/** A folder for one run's processes, files and logs; `dispose` stops them and removes everything. */
export class RunFolder {
  readonly dir: string;
  private readonly processes: OwnedProcess[] = [];
  private readonly onExit = () => this.disposeSync();

  constructor(prefix: string) {
    mkdirSync(RUNS_ROOT, { recursive: true });
    this.dir = mkdtempSync(join(RUNS_ROOT, `${prefix}-`));
    writeFileSync(join(this.dir, 'owner'), `${process.pid}\n${startTimeOf(process.pid) ?? ''}\n`);
    // 'exit' handlers may only do synchronous work: that is enough to signal children and delete files.
    process.on('exit', this.onExit);
  }

  spawn(name: string, executable: string, args: string[], env?: NodeJS.ProcessEnv): OwnedProcess {
    const logPath = join(this.dir, `${name}.log`);
    const log = openSync(logPath, 'a');
    const child = spawn(executable, args, { stdio: ['ignore', log, log], env: env ?? process.env });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    if (child.pid !== undefined) {
      writeFileSync(
        join(this.dir, `${name}.pid`),
        // The executable is recorded as resolved now: /proc/<pid>/exe may still show node until exec completes.
        `${child.pid}\n${startTimeOf(child.pid) ?? ''}\n${realpathSync(executable)}`,
      );
    }
    const owned = { child, name, logPath, exited };
    this.processes.push(owned);
    return owned;
  }

  /** The last lines of a process's log, for error messages. */
  tail(name: string, lines = 40): string {
    try {
      return readFileSync(join(this.dir, `${name}.log`), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Stops processes in reverse start order: SIGTERM, then SIGKILL after `graceMs`. */
  async dispose(graceMs = 5_000): Promise<void> {
    for (const p of [...this.processes].reverse()) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
      await p.exited;
      clearTimeout(timer);
    }
    this.disposeSync();
  }

  private disposeSync(): void {
    process.off('exit', this.onExit);
    for (const p of this.processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
