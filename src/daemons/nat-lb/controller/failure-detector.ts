// Which balancers are alive, from the controller's /status polls (the patent leaves failure
// detection open). A balancer is dead after `misses` polls in a row fail, alive again after one
// answer. Until its first verdict it is 'unknown', and the controller repairs nothing while any
// balancer is unknown: on a restart it must see every mode table before judging ownership. A
// balancer never seen alive needs `firstMisses` failed polls to be judged dead: at lab start a
// controller's first polls meet daemons still starting, and a failover of a VIP whose owner is
// merely late would hand it to a second balancer.
//
// With liveness datagrams (liveness.ts) a balancer that has sent one is also dead after
// `silenceMs` without another — VRRP's speed — and a poll answer alone does not revive a
// balancer whose datagrams have stopped (the next datagram does): one verdict, not two that
// flap against each other.
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
  /** The last liveness datagram (ms), if this balancer sends them. */
  lastBeatMs: number | undefined;
}

export class FailureDetector {
  private readonly entries = new Map<string, Entry>();

  constructor(
    names: readonly string[],
    private readonly misses: number,
    private readonly firstMisses = misses,
    private readonly silenceMs = Infinity,
  ) {
    for (const n of names)
      this.entries.set(n, {
        health: 'unknown',
        misses: 0,
        lastOkMs: undefined,
        deadSinceMs: undefined,
        lastError: undefined,
        lastBeatMs: undefined,
      });
  }

  private silent(e: Entry, nowMs: number): boolean {
    return e.lastBeatMs !== undefined && nowMs - e.lastBeatMs >= this.silenceMs;
  }

  /** A liveness datagram from `name`: alive again if it was dead (once its mode table is known). */
  onBeat(name: string, nowMs: number): DetectorEvent[] {
    const e = this.entries.get(name);
    if (!e) return [];
    e.lastBeatMs = nowMs;
    if (e.health !== 'dead' || e.lastOkMs === undefined) return [];
    return this.onPoll(name, true, nowMs);
  }

  /** Balancers whose datagrams stopped `silenceMs` ago are dead now, without waiting for a poll to time out. */
  onSilenceCheck(nowMs: number): DetectorEvent[] {
    const events: DetectorEvent[] = [];
    for (const [name, e] of this.entries) {
      if (e.health !== 'alive' || !this.silent(e, nowMs)) continue;
      e.health = 'dead';
      e.deadSinceMs = nowMs;
      events.push({
        event: 'balancer-dead',
        data: { balancer: name, silentMs: nowMs - e.lastBeatMs!, lastOkMs: e.lastOkMs ?? null, by: 'liveness' },
      });
    }
    return events;
  }

  onPoll(name: string, ok: boolean, nowMs: number, error?: string): DetectorEvent[] {
    const e = this.entries.get(name);
    if (!e) return [];
    if (ok && this.silent(e, nowMs)) {
      e.lastOkMs = nowMs;
      return [];
    }
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
      return [
        {
          event: 'balancer-dead',
          data: {
            balancer: name,
            misses: e.misses,
            lastOkMs: e.lastOkMs ?? null,
            silentMs: e.lastOkMs === undefined ? null : nowMs - e.lastOkMs,
            error: error ?? null,
          },
        },
      ];
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
      name,
      health: e.health,
      misses: e.misses,
      lastOkAgoMs: e.lastOkMs === undefined ? null : nowMs - e.lastOkMs,
      lastError: e.lastError ?? null,
      lastBeatAgoMs: e.lastBeatMs === undefined ? null : nowMs - e.lastBeatMs,
    }));
  }
}
