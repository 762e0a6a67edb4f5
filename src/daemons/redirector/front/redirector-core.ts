// Pure: the redirector's decisions (seed 002's 121–125 in one state machine). Inputs are agent
// reports, health results, conntrack readings, admin requests and the clock; outputs are
// effects for the kernel shell (reprogram a service's ratio cycle, purge a back end's
// connections, command an agent) and events. Tables 111 and 112 live here.
import { AssignedRoutes, type ConnectionReading } from './assigned-routes.js';
import { ForwardingTable, ForwardingTableError, type RemovedMember, type TableCopy } from './forwarding-table.js';
import { HealthTracker, type HealthChange } from './health.js';
import { LoadPolicy, pickSpare } from './load-policy.js';
import type { RedirectorConfig } from './redirector-config.js';
import type { AgentReport } from '../protocol.js';

export type Effect =
  | { kind: 'program'; port: number }
  /** Delete the back end's conntrack entries for `ports`; `kick`: and tell their clients. */
  | { kind: 'purge'; backend: string; ip: string; ports: number[]; kick: boolean }
  /** Forward nothing more to `ip` (failure), or again (it answers). */
  | { kind: 'block' | 'unblock'; backend: string; ip: string }
  | { kind: 'command'; backend: string; ip: string; action: 'start' | 'stop'; port: number };

export interface Outcome {
  effects: Effect[];
  events: { event: string; data: Record<string, unknown> }[];
}

/** A request that is well-formed but cannot apply now (the API answers 409). */
export class AdminRefusal extends Error {}

/** The peer's table 112 cannot be followed (the two front ends' configs differ); nothing was changed. */
export class FollowRefusal extends Error {}

type CoreSettings = Pick<RedirectorConfig, 'backends' | 'services' | 'health' | 'load' | 'scaleOut' | 'vip' | 'pair'>;

interface Pending {
  port: number;
  backend: string;
  sinceMs: number;
}

export class RedirectorCore {
  readonly table: ForwardingTable;
  readonly routes: AssignedRoutes;
  readonly health: HealthTracker;
  private readonly policy: LoadPolicy;
  private readonly ips: Map<string, string>;
  private readonly loads = new Map<string, number>();
  private readonly reports = new Map<string, AgentReport>();
  private readonly starting: Pending[] = [];
  private readonly stopSent: Pending[] = [];
  /**
   * Standby of a pair: 112 is the active front end's, taken whole every sync round (follow()),
   * and this core decides nothing of it (no load step-down, scale-out, stop or auto re-add, no
   * admin change) until it leads. Its own health checks go on: a back end dead here stays out.
   */
  private followingPeer = false;

  constructor(
    private readonly s: CoreSettings,
    startMs: number,
  ) {
    this.ips = new Map(s.backends.map((b) => [b.name, b.ip]));
    this.table = new ForwardingTable(
      s.services.map((svc) => ({
        port: svc.port,
        members: svc.backends.map((b) => ({ backend: b.name, ip: this.ip(b.name), ratio: b.ratio })),
      })),
    );
    this.routes = new AssignedRoutes(
      s.backends,
      s.vip,
      s.services.map((x) => x.port),
    );
    this.health = new HealthTracker(
      s.backends.map((b) => b.name),
      s.health,
      startMs,
    );
    this.policy = new LoadPolicy(s.load);
  }

  get following(): boolean {
    return this.followingPeer;
  }

  /** Standby: from now on 112 follows the active front end's; what this one had pending is the active's to finish. */
  standBy(): void {
    this.followingPeer = true;
    this.starting.length = 0;
    this.stopSent.length = 0;
  }

  /** Active (taking over, or alone): decisions resume on the table followed so far. */
  lead(nowMs: number): Outcome {
    const out = empty();
    if (!this.followingPeer) return out;
    this.followingPeer = false;
    // The old active's scale-outs in progress: they join the cycle once their agent reports listening, or time out here.
    for (const port of this.table.ports())
      for (const m of this.table.members(port))
        if (m.state === 'starting') this.starting.push({ port, backend: m.backend, sinceMs: nowMs });
    this.stopWhenDrained(nowMs, out);
    return out;
  }

  /**
   * Standby: the active front end's table 112 (GET /sync), taken whole; a back end dead by this
   * front end's own checks stays out of it (removed, failed): taking over, it must not be
   * forwarded to. Throws FollowRefusal, changing nothing, when the table names other services
   * or back ends than this front end's config.
   */
  follow(copy: TableCopy): Outcome {
    const out = empty();
    if (!this.followingPeer) return out;
    for (const m of [...copy.services.flatMap((x) => x.members), ...copy.removed]) {
      const ip = this.ips.get(m.backend);
      if (ip !== m.ip)
        throw new FollowRefusal(
          `the peer's table names back end ${m.backend} at ${m.ip}; this front end's config has ${ip ?? 'no such back end'}`,
        );
    }
    const dead = (backend: string) => this.health.health(backend) === 'dead';
    const failedHere: RemovedMember[] = copy.services.flatMap((x) =>
      x.members
        .filter((m) => dead(m.backend))
        .map((m) => ({ port: x.port, backend: m.backend, ip: m.ip, ratio: m.ratio, reason: 'failed' as const })),
    );
    const before = JSON.stringify(this.table.copy());
    let ports: number[];
    try {
      ports = this.table.replaceWith({
        services: copy.services.map((x) => ({ port: x.port, members: x.members.filter((m) => !dead(m.backend)) })),
        removed: [...copy.removed, ...failedHere],
      });
    } catch (e) {
      if (e instanceof ForwardingTableError) throw new FollowRefusal(`the peer's table 112: ${e.message}`);
      throw e;
    }
    if (JSON.stringify(this.table.copy()) === before) return out;
    for (const port of ports) out.effects.push({ kind: 'program', port });
    out.events.push({
      event: 'table-followed',
      data: { reprogrammed: ports, forwarding: describeTable(this.table), keptOut: failedHere.map((r) => `${r.port}/${r.backend}`) },
    });
    return out;
  }

  tick(nowMs: number): Outcome {
    const out = empty();
    for (const c of this.health.tick(nowMs)) this.onHealth(c, out);
    this.scaleOut(nowMs, out);
    for (let i = this.starting.length - 1; i >= 0; i--) {
      const p = this.starting[i]!;
      if (nowMs - p.sinceMs < this.s.scaleOut.startTimeoutMs) continue;
      this.starting.splice(i, 1);
      this.table.drop(p.port, p.backend);
      out.events.push({
        event: 'scale-out-failed',
        data: { port: p.port, backend: p.backend, reason: `not listening after ${this.s.scaleOut.startTimeoutMs} ms` },
      });
    }
    return out;
  }

  report(r: AgentReport, nowMs: number): Outcome {
    const out = empty();
    if (!this.ips.has(r.node)) {
      out.events.push({ event: 'report-refused', data: { from: r.node, reason: 'not a configured back end' } });
      return out;
    }
    this.reports.set(r.node, r);
    this.loads.set(r.node, r.load);
    if (this.s.health.method === 'agent') {
      const c = this.health.seen(r.node, nowMs);
      if (c) this.onHealth(c, out);
    }
    if (this.followingPeer) return out;
    for (const d of this.policy.stepDowns(this.table, r.node, r.load, nowMs)) {
      this.table.setRatio(d.port, d.backend, d.to);
      out.effects.push({ kind: 'program', port: d.port });
      out.events.push({ event: 'ratio-lowered', data: { ...d } });
    }
    for (let i = this.starting.length - 1; i >= 0; i--) {
      const p = this.starting[i]!;
      if (p.backend !== r.node || !r.listening.includes(p.port)) continue;
      this.starting.splice(i, 1);
      this.table.setState(p.port, p.backend, 'serving');
      out.effects.push({ kind: 'program', port: p.port });
      out.events.push({ event: 'scale-out-listening', data: { port: p.port, backend: p.backend, afterMs: nowMs - p.sinceMs } });
    }
    for (let i = this.stopSent.length - 1; i >= 0; i--) {
      const p = this.stopSent[i]!;
      if (p.backend !== r.node || r.listening.includes(p.port)) continue;
      this.stopSent.splice(i, 1);
      this.table.drop(p.port, p.backend);
      out.events.push({ event: 'process-stopped', data: { port: p.port, backend: p.backend, afterMs: nowMs - p.sinceMs } });
    }
    this.stopWhenDrained(nowMs, out);
    return out;
  }

  /** Method tcp: one connect's result. */
  probed(backend: string, ok: boolean, nowMs: number): Outcome {
    const out = empty();
    const c = ok ? this.health.seen(backend, nowMs) : this.health.failed(backend, nowMs);
    if (c) this.onHealth(c, out);
    return out;
  }

  /** A conntrack dump as readings: 111 is rebuilt from it, then as routesRead(). */
  readings(readings: readonly ConnectionReading[], nowMs: number): Outcome {
    this.routes.replace(readings);
    return this.routesRead(nowMs);
  }

  /** 111 was brought up to date (the shell feeds it conntrack's events): a drained back end may now be stopped. */
  routesRead(nowMs: number): Outcome {
    const out = empty();
    this.stopWhenDrained(nowMs, out);
    return out;
  }

  /** Admin: a member's ratio; a removed back end given a ratio is re-added (seed §6 8). */
  setRatio(port: number, backend: string, ratio: number): Outcome {
    this.refuseWhileFollowing();
    const out = empty();
    if (this.table.member(port, backend)) {
      const change = this.guard(() => this.table.setRatio(port, backend, ratio));
      out.events.push({ event: 'ratio-set', data: { port, backend, ...change } });
    } else {
      const removed = this.table.removed().find((r) => r.port === port && r.backend === backend);
      if (!removed) throw new AdminRefusal(`${backend} is not in service ${port} and was not removed from it; use add`);
      this.readd(port, backend, ratio, 'admin', out);
    }
    out.effects.push({ kind: 'program', port });
    return out;
  }

  add(port: number, backend: string, ratio: number): Outcome {
    this.refuseWhileFollowing();
    const out = empty();
    this.ip(backend);
    if (this.health.health(backend) === 'dead') throw new AdminRefusal(`${backend} is dead; it can be added once it answers`);
    this.guard(() => this.table.add(port, backend, this.ip(backend), ratio));
    out.effects.push({ kind: 'program', port });
    out.events.push({ event: 'backend-added', data: { port, backend, ratio, by: 'admin' } });
    return out;
  }

  /** Admin removal: like a failure for that service (its connections are cut and told). */
  remove(port: number, backend: string): Outcome {
    this.refuseWhileFollowing();
    const out = empty();
    this.guard(() => this.table.remove(port, backend, 'admin'));
    out.effects.push({ kind: 'program', port }, { kind: 'purge', backend, ip: this.ip(backend), ports: [port], kick: true });
    out.events.push({ event: 'backend-removed', data: { port, backend, by: 'admin' } });
    return out;
  }

  /** Drain-then-stop (seed §6 12): ratio 0 now, the process stops once no route to it is left. */
  stop(port: number, backend: string, nowMs: number): Outcome {
    this.refuseWhileFollowing();
    const out = empty();
    this.guard(() => this.table.setState(port, backend, 'stopping'));
    out.effects.push({ kind: 'program', port });
    out.events.push({ event: 'drain-started', data: { port, backend, routes: this.routes.count(port, backend) } });
    this.stopWhenDrained(nowMs, out);
    return out;
  }

  loadOf(backend: string): number | undefined {
    return this.loads.get(backend);
  }

  private onHealth(c: HealthChange, out: Outcome): void {
    if (c.to === 'dead') {
      const ports = this.table.portsOf(c.backend);
      for (const port of ports) this.table.remove(port, c.backend, 'failed');
      this.dropPending(c.backend);
      // Blocked first (one set element, no process spawned: nothing more is forwarded to it from
      // now on; its clients' segments wait, dropped); then the cycles without it; only then its
      // connections are deleted and their clients told, so that their reconnects meet the new
      // cycles (told earlier, a client's new SYN would take the old cycle into the block).
      const ip = this.ip(c.backend);
      out.effects.push({ kind: 'block', backend: c.backend, ip });
      for (const port of ports) out.effects.push({ kind: 'program', port });
      out.effects.push({ kind: 'purge', backend: c.backend, ip, ports, kick: true });
      out.events.push({ event: 'backend-dead', data: { backend: c.backend, silentMs: c.silentMs, ports } });
      return;
    }
    out.events.push({ event: 'backend-alive', data: { backend: c.backend } });
    out.effects.push({ kind: 'unblock', backend: c.backend, ip: this.ip(c.backend) });
    if (this.s.health.reAdd !== 'auto' || this.followingPeer) return;
    for (const r of this.table.removed().filter((x) => x.backend === c.backend && x.reason === 'failed')) {
      this.readd(r.port, r.backend, r.ratio, 'auto', out);
      out.effects.push({ kind: 'program', port: r.port });
    }
  }

  private readd(port: number, backend: string, ratio: number, by: 'admin' | 'auto', out: Outcome): void {
    if (this.health.health(backend) === 'dead') throw new AdminRefusal(`${backend} is dead; it can be re-added once it answers`);
    this.table.add(port, backend, this.ip(backend), ratio);
    out.events.push({ event: 'backend-readded', data: { port, backend, ratio, by } });
  }

  private scaleOut(nowMs: number, out: Outcome): void {
    if (!this.s.scaleOut.enabled || this.followingPeer) return;
    for (const port of this.policy.saturated(this.table, this.loads, this.s.scaleOut.holdMs, nowMs)) {
      if (this.starting.some((p) => p.port === port)) continue;
      const spares = this.s.services.find((x) => x.port === port)!.spares;
      const backend = pickSpare(this.table, port, spares, (b) => this.health.health(b) === 'alive');
      if (!backend) continue;
      this.policy.resetHold(port);
      this.table.add(port, backend, this.ip(backend), this.s.scaleOut.ratio, 'starting');
      this.starting.push({ port, backend, sinceMs: nowMs });
      out.effects.push({ kind: 'command', backend, ip: this.ip(backend), action: 'start', port });
      out.events.push({ event: 'scale-out-start', data: { port, backend } });
    }
  }

  private stopWhenDrained(nowMs: number, out: Outcome): void {
    if (this.followingPeer) return;
    for (const port of this.table.ports())
      for (const m of this.table.members(port)) {
        if (m.state !== 'stopping' || this.stopSent.some((p) => p.port === port && p.backend === m.backend)) continue;
        // Both views must agree the back end is idle: 111 (the front end's) and the agent's own count.
        const agentCount = this.reports.get(m.backend)?.connections[String(port)] ?? 0;
        if (this.routes.count(port, m.backend) > 0 || agentCount > 0) continue;
        this.stopSent.push({ port, backend: m.backend, sinceMs: nowMs });
        out.effects.push({ kind: 'command', backend: m.backend, ip: m.ip, action: 'stop', port });
        out.events.push({ event: 'drained', data: { port, backend: m.backend } });
      }
  }

  private dropPending(backend: string): void {
    for (const list of [this.starting, this.stopSent])
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.backend === backend) list.splice(i, 1);
  }

  private refuseWhileFollowing(): void {
    if (this.followingPeer)
      throw new AdminRefusal(
        `this front end is the standby: its table 112 follows the active's${this.s.pair ? ` (${this.s.pair.peer})` : ''}; make the change there`,
      );
  }

  private guard<T>(run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof ForwardingTableError) throw new AdminRefusal(e.message);
      throw e;
    }
  }

  private ip(backend: string): string {
    const ip = this.ips.get(backend);
    if (ip === undefined) throw new AdminRefusal(`no back end ${backend}; known: ${[...this.ips.keys()].join(', ')}`);
    return ip;
  }
}

const empty = (): Outcome => ({ effects: [], events: [] });

/** `8080: be1=3 be2=1; 8081: …`, for an event a person reads. */
const describeTable = (t: ForwardingTable): string =>
  t
    .snapshot()
    .map(
      (x) =>
        `${x.port}: ${x.members.map((m) => `${m.backend}=${m.ratio}${m.state === 'serving' ? '' : ` (${m.state})`}`).join(' ') || 'none'}`,
    )
    .join('; ');
