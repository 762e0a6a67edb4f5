// Pure: what the load reports ask of table 112 (seed 002 §3.5–3.6). An overloaded back end's
// ratio goes down by `step` (not below `minRatio`, at most once per `cooldownMs`); a service
// all of whose serving back ends have been overloaded for `holdMs` gets one more back end,
// the first spare that is alive and lacks the service (claim 7). Connections in service are
// never touched here: a ratio only steers new connections (claim 6).
import type { ForwardingTable } from './forwarding-table.js';

export interface LoadSettings {
  threshold: number;
  step: number;
  minRatio: number;
  cooldownMs: number;
}

export interface StepDown {
  port: number;
  backend: string;
  from: number;
  to: number;
  load: number;
}

export class LoadPolicy {
  private readonly lastStepMs = new Map<string, number>();
  private readonly overloadedSince = new Map<number, number>();

  constructor(private readonly o: LoadSettings) {}

  overloaded(load: number | undefined): boolean {
    return load !== undefined && load >= this.o.threshold;
  }

  /** The step-downs one report of `backend` calls for (the caller applies them). */
  stepDowns(table: ForwardingTable, backend: string, load: number, nowMs: number): StepDown[] {
    if (!this.overloaded(load)) return [];
    const out: StepDown[] = [];
    for (const port of table.portsOf(backend)) {
      const m = table.member(port, backend)!;
      if (m.state !== 'serving' || m.ratio <= this.o.minRatio) continue;
      const key = `${port}/${backend}`;
      const last = this.lastStepMs.get(key);
      if (last !== undefined && nowMs - last < this.o.cooldownMs) continue;
      this.lastStepMs.set(key, nowMs);
      out.push({ port, backend, from: m.ratio, to: Math.max(this.o.minRatio, m.ratio - this.o.step), load });
    }
    return out;
  }

  /**
   * The services whose every serving back end (ratio > 0) has been overloaded for `holdMs`.
   * `loads` is each back end's latest report.
   */
  saturated(table: ForwardingTable, loads: ReadonlyMap<string, number>, holdMs: number, nowMs: number): number[] {
    const out: number[] = [];
    for (const port of table.ports()) {
      const serving = table.members(port).filter((m) => m.state === 'serving' && m.ratio > 0);
      const all = serving.length > 0 && serving.every((m) => this.overloaded(loads.get(m.backend)));
      if (!all) {
        this.overloadedSince.delete(port);
        continue;
      }
      const since = this.overloadedSince.get(port) ?? nowMs;
      this.overloadedSince.set(port, since);
      if (nowMs - since >= holdMs) out.push(port);
    }
    return out;
  }

  /** Starts the hold afresh (after a scale-out the new back end needs its own time). */
  resetHold(port: number): void {
    this.overloadedSince.delete(port);
  }
}

/** The spare to start `port` on: the first listed that is alive and not a member already. */
export const pickSpare = (
  table: ForwardingTable,
  port: number,
  spares: readonly string[],
  alive: (backend: string) => boolean,
): string | undefined => spares.find((b) => alive(b) && table.member(port, b) === undefined);
