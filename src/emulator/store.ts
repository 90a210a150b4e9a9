/**
 * The emulator's state and call statistics, in memory, optionally persisted crash-safely.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyRegion, type RegionState } from './model.js';

export interface OperationStats {
  calls: number;
  /** Answers by outcome: `OK`, an error code such as `LimitExceededException`, `HTTP503` or `Dropped`. */
  outcomes: Record<string, number>;
}

interface PersistedState {
  version: 1;
  /** Signs pagination tokens, so forged tokens are recognised; kept so tokens survive restarts. */
  tokenSecret: string;
  seq: number;
  regions: Record<string, RegionState>;
  stats: Record<string, OperationStats>;
}

const fresh = (): PersistedState => ({
  version: 1,
  tokenSecret: randomBytes(32).toString('hex'),
  seq: 0,
  regions: {},
  stats: {},
});

/**
 * The emulator's whole state, in memory, optionally persisted to one JSON file. Writes go to a temporary
 * file that is fsynced and renamed over the old one, so a crash leaves either the old or the new state.
 */
export class Store {
  private state: PersistedState;
  private pending: Promise<void> | undefined;

  constructor(private readonly file?: string) {
    this.state = file ? Store.load(file) : fresh();
  }

  private static load(file: string): PersistedState {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fresh();
      throw err;
    }
    const parsed = JSON.parse(text) as PersistedState;
    if (parsed.version !== 1) throw new Error(`${file}: unsupported state version ${String(parsed.version)}`);
    return parsed;
  }

  get tokenSecret(): string {
    return this.state.tokenSecret;
  }

  region(name: string): RegionState {
    this.state.regions[name] ??= emptyRegion();
    return this.state.regions[name];
  }

  regions(): [string, RegionState][] {
    return Object.entries(this.state.regions);
  }

  nextSeq(): number {
    return ++this.state.seq;
  }

  count(operation: string, outcome: string): void {
    this.state.stats[operation] ??= { calls: 0, outcomes: {} };
    const stats = this.state.stats[operation];
    stats.calls++;
    stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
    void this.persist();
  }

  stats(): Record<string, OperationStats> {
    return this.state.stats;
  }

  reset(what: 'all' | 'stats'): void {
    if (what === 'all') this.state = { ...fresh(), tokenSecret: this.state.tokenSecret };
    else this.state.stats = {};
    void this.persist();
  }

  /** Resolves once every change made before the call is on disk; changes within one tick share one write. */
  persist(): Promise<void> {
    if (!this.file) return Promise.resolve();
    this.pending ??= new Promise((resolve, reject) => {
      setImmediate(() => {
        this.pending = undefined;
        try {
          this.writeNow();
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
    return this.pending;
  }

  private writeNow(): void {
    const file = this.file!;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(this.state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  }
}
