// Which balancers are alive, from the controller's /status polls (the patent leaves failure
// detection open). A balancer is dead after `misses` polls in a row fail, alive again after one
// answer. Until its first verdict it is 'unknown', and the controller repairs nothing while any
// balancer is unknown: on a restart it must see every mode table before judging ownership. A
// balancer never seen alive needs `firstMisses` failed polls to be judged dead: at lab start a
// controller's first polls meet daemons still starting, and a failover of a VIP whose owner is
// merely late would hand it to a second balancer.
export type Health = 'unknown' | 'alive' | 'dead';

export interface DetectorEvent {
  event: 'balancer-dead' | 'balancer-alive';
  data: Record<string, unknown>;
}

interface Entry {
  health: Health;
  misses: number;
  lastOkMs: number | undefined;
  deadSinceMs: number | undefined;
  lastError: string | undefined;
}

export class FailureDetector {
  private readonly entries = new Map<string, Entry>();

  constructor(names: readonly string[], private readonly misses: number, private readonly firstMisses = misses) {
    for (const n of names) this.entries.set(n, { health: 'unknown', misses: 0, lastOkMs: undefined, deadSinceMs: undefined, lastError: undefined });
  }

  onPoll(name: string, ok: boolean, nowMs: number, error?: string): DetectorEvent[] {
    const e = this.entries.get(name);
    if (!e) return [];
    if (ok) {
      const was = e.health;
      Object.assign(e, { health: 'alive', misses: 0, lastOkMs: nowMs, lastError: undefined });
      if (was === 'dead') {
        const downMs = nowMs - e.deadSinceMs!;
        e.deadSinceMs = undefined;
        return [{ event: 'balancer-alive', data: { balancer: name, downMs } }];
      }
      return was === 'unknown' ? [{ event: 'balancer-alive', data: { balancer: name, first: true } }] : [];
    }
    e.misses++;
    e.lastError = error;
    if (e.health !== 'dead' && e.misses >= (e.lastOkMs === undefined ? Math.max(this.misses, this.firstMisses) : this.misses)) {
      e.health = 'dead';
      e.deadSinceMs = nowMs;
      return [{ event: 'balancer-dead', data: { balancer: name, misses: e.misses, lastOkMs: e.lastOkMs ?? null, silentMs: e.lastOkMs === undefined ? null : nowMs - e.lastOkMs, error: error ?? null } }];
    }
    return [];
  }

  health(name: string): Health {
    return this.entries.get(name)?.health ?? 'unknown';
  }

  allKnown(): boolean {
    return [...this.entries.values()].every((e) => e.health !== 'unknown');
  }

  status(nowMs: number) {
    return [...this.entries].map(([name, e]) => ({
      name, health: e.health, misses: e.misses, lastOkAgoMs: e.lastOkMs === undefined ? null : nowMs - e.lastOkMs, lastError: e.lastError ?? null,
    }));
  }
}
