// Pure: node-failure detection (seed 002, 122). Each back end is `alive` or `dead`. With the
// `agent` method a back end is dead once `misses` intervals pass without a report from its
// agent; with `tcp`, after `misses` failed connects in a row. A dead back end is alive again
// on its next report or successful connect; what that means for table 112 (admin or auto
// re-add) is the redirector's decision, not this one's.
export type Health = 'alive' | 'dead';

export interface HealthChange {
  backend: string;
  to: Health;
  /** Time since the last sign of life when it was declared dead. */
  silentMs?: number;
}

interface Tracked {
  health: Health;
  lastSeenMs: number;
  failures: number;
}

export class HealthTracker {
  private readonly tracked = new Map<string, Tracked>();
  private startMs: number;

  constructor(
    backends: readonly string[],
    private readonly o: { method: 'agent' | 'tcp'; intervalMs: number; misses: number; startGraceMs?: number },
    startMs: number,
  ) {
    this.startMs = startMs;
    // Until its first report a back end is given the same grace as after one.
    for (const b of backends) this.tracked.set(b, { health: 'alive', lastSeenMs: startMs, failures: 0 });
  }

  /** Every back end seen now: the count starts when the daemon is ready to hear them, not when it was built. */
  restart(nowMs: number): void {
    this.startMs = nowMs;
    for (const t of this.tracked.values()) {
      t.lastSeenMs = nowMs;
      t.failures = 0;
    }
  }

  /** A report from the back end's agent (method agent) or a successful connect (tcp). */
  seen(backend: string, nowMs: number): HealthChange | undefined {
    const t = this.get(backend);
    t.lastSeenMs = nowMs;
    t.failures = 0;
    if (t.health === 'alive') return undefined;
    t.health = 'alive';
    return { backend, to: 'alive' };
  }

  /** A failed connect (tcp method). */
  failed(backend: string, nowMs: number): HealthChange | undefined {
    const t = this.get(backend);
    t.failures++;
    if (t.health === 'dead' || t.failures < this.o.misses) return undefined;
    t.health = 'dead';
    return { backend, to: 'dead', silentMs: nowMs - t.lastSeenMs };
  }

  /** Method agent: the back ends whose silence has just reached `misses` intervals. */
  tick(nowMs: number): HealthChange[] {
    if (this.o.method !== 'agent') return [];
    const changes: HealthChange[] = [];
    // Nobody dies in the first startGraceMs: agents are still finding our address, and a node
    // starting its processes holds their reports back for hundreds of ms.
    if (nowMs - this.startMs < (this.o.startGraceMs ?? 0)) return changes;
    for (const [backend, t] of this.tracked) {
      const silentMs = nowMs - t.lastSeenMs;
      if (t.health === 'alive' && silentMs >= this.o.misses * this.o.intervalMs) {
        t.health = 'dead';
        changes.push({ backend, to: 'dead', silentMs });
      }
    }
    return changes;
  }

  health(backend: string): Health {
    return this.get(backend).health;
  }

  snapshot(nowMs: number): { backend: string; health: Health; silentMs: number }[] {
    return [...this.tracked].map(([backend, t]) => ({ backend, health: t.health, silentMs: nowMs - t.lastSeenMs }));
  }

  private get(backend: string): Tracked {
    const t = this.tracked.get(backend);
    if (!t) throw new Error(`no back end ${backend} in the health tracker`);
    return t;
  }
}
