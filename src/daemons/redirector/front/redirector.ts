// The redirector's shell: the core's decisions carried out on the kernel (data-plane.ts) and
// on the agents (message-link.ts), one outcome after another, each effect in order; the timers
// that feed the core (health ticks, tcp checks, conntrack's events for table 111).
import { connect } from 'node:net';
import type { Clock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { MessageLink } from '../message-link.js';
import { agentReportSchema, type AgentCommand, type AgentReport } from '../protocol.js';
import type { AccessRow } from '../../shared/conntrack-rows.js';
import { DataPlane } from './data-plane.js';
import { FrontPair } from './front-pair.js';
import type { ModeNotice } from '../../shared/mode-notice.js';
import type { TableCopy } from './forwarding-table.js';
import { ratioCycle } from './ratio-schedule.js';
import type { RedirectorConfig } from './redirector-config.js';
import { RedirectorCore, type Effect, type Outcome } from './redirector-core.js';
import { statusBody } from './redirector-status.js';
import { RouteFeed, type FeedResult } from './route-feed.js';

/** Health ticks this much finer than the interval: detection lands within a quarter interval of its bound. */
const TICKS_PER_INTERVAL = 4;

export class Redirector {
  readonly core: RedirectorCore;
  private readonly plane: DataPlane;
  private readonly feed: RouteFeed;
  private link: MessageLink<AgentReport, AgentCommand> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly startedMs: number;
  private readonly pair: FrontPair | undefined;

  constructor(
    private readonly config: RedirectorConfig,
    private readonly emit: EmitEvent,
    private readonly clock: Clock,
  ) {
    this.startedMs = clock.nowMs();
    this.core = new RedirectorCore(config, this.startedMs);
    this.plane = new DataPlane(config);
    this.feed = new RouteFeed(config.vip);
    const { pair } = config;
    this.pair = pair
      ? new FrontPair({ ...config, pair }, this.plane, emit, clock, {
          followTable: (table) => void this.apply(this.core.follow(table)),
          roleChanged: (active) => (active ? void this.apply(this.core.lead(this.clock.nowMs())) : this.core.standBy()),
        })
      : undefined;
    // Unknown counts as standby: until arp-ha says this one is active, 112 is the peer's.
    if (this.pair) this.core.standBy();
  }

  /** arp-ha's notice of a mode change (POST /role); only a front end of a pair takes one. */
  onModeNotice(notice: ModeNotice): ReturnType<FrontPair['onNotice']> {
    if (!this.pair) throw new Error('this redirector is not one of a pair (no pair: in its config): nothing to notify');
    return this.pair.onNotice(notice);
  }

  /** Alone, always; in a pair, while arp-ha's group of the VIP is ACTIVE here. */
  isActive(): boolean {
    return this.pair?.isActive() ?? true;
  }

  /** What the standby copies (GET /sync): the forwarded connections and table 112. */
  syncBody(): { rows: AccessRow[]; table: TableCopy } {
    return { rows: this.plane.rows(), table: this.core.table.copy() };
  }

  async start(): Promise<void> {
    const installing = this.plane.install(new Map(this.core.table.ports().map((p) => [p, this.cycle(p)])));
    // The dump needs nothing of the install and keeps this thread busy (100,000 entries: 0.2 s)
    // while the install's processes run: a restart serves its full table that much sooner.
    this.readRoutes(() => this.feed.start(this.core.routes));
    const { repeat } = await installing;
    repeat.catch((e: unknown) => this.emit('warning', { problem: `repeating the addresses' announcement: ${errorMessage(e)}` }));
    this.link = await MessageLink.open<AgentReport, AgentCommand>({
      node: this.config.node,
      key: this.config.agents.key,
      listen: `${this.config.agents.listenIp ?? this.config.inside}:${this.config.agents.port}`,
      schema: agentReportSchema,
      clock: this.clock,
      onMessage: (r, from) => {
        const ip = this.config.backends.find((b) => b.name === r.node)?.ip;
        if (ip !== from) return this.emit('report-refused', { from, node: r.node, reason: `sent from ${from}, not ${ip ?? 'a back end'}` });
        void this.apply(this.core.report(r, this.clock.nowMs()));
      },
    });
    const { intervalMs } = this.config.health;
    this.core.health.restart(this.clock.nowMs());
    const tickMs = Math.max(5, Math.round(intervalMs / TICKS_PER_INTERVAL));
    let lastTick = this.clock.monotonicMs();
    this.every(tickMs, () => {
      const now = this.clock.monotonicMs();
      const lateMs = now - lastTick - tickMs;
      lastTick = now;
      // Our own stall is not the back ends' silence: the reports that came meanwhile wait in the
      // socket until the poll phase after this timer. Judged on the next tick, once they are in.
      if (lateMs > intervalMs) return this.emit('timer-stall', { ms: Math.round(lateMs + tickMs) });
      return this.apply(this.core.tick(this.clock.nowMs()));
    });
    this.every(this.config.routes.refreshMs, () => {
      this.readRoutes(() => this.feed.refresh(this.core.routes));
      return this.apply(this.core.routesRead(this.clock.nowMs()));
    });
    if (this.config.health.method === 'tcp') this.every(intervalMs, () => this.probeAll());
    this.pair?.start();
  }

  /** Runs an outcome after those before it; resolves (never rejects) when its effects are done. */
  apply(outcome: Outcome): Promise<void> {
    const run = async () => {
      for (const e of outcome.events) this.emit(e.event, e.data);
      for (const effect of outcome.effects) await this.effect(effect);
    };
    this.queue = this.queue.then(run).catch((e: unknown) => this.emit('error', { error: errorMessage(e) }));
    return this.queue;
  }

  status(): unknown {
    return statusBody(this.core, this.clock.nowMs(), this.link?.refused);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.pair?.close();
    await this.queue;
    this.link?.close();
    this.feed.close();
    this.plane.close();
  }

  private async effect(e: Effect): Promise<void> {
    switch (e.kind) {
      case 'program': {
        const cycle = this.cycle(e.port);
        this.plane.program(e.port, cycle);
        this.emit('programmed', { port: e.port, cycle: this.core.table.weights(e.port).filter((w) => w.weight > 0) });
        return;
      }
      case 'block':
      case 'unblock':
        this.plane.block(e.ip, e.kind === 'block');
        return;
      case 'purge': {
        // The clients are the active's to tell: a standby's nudge would come from a VIP it does not hold.
        const r = this.plane.purge(e.ip, e.ports, e.kick && this.config.kick && this.isActive());
        this.core.routes.removeBackend(e.backend, new Set(e.ports));
        if (e.kick || r.deleted > 0) this.emit('purged', { backend: e.backend, ports: e.ports, ...r });
        return;
      }
      case 'command':
        // Starting and stopping back-end processes is the active's decision; the standby's twin would double it.
        if (!this.isActive())
          return this.emit('agent-command-skipped', { backend: e.backend, action: e.action, port: e.port, reason: 'standby' });
        this.link?.send({ kind: 'command', to: e.backend, action: e.action, port: e.port }, e.ip, this.config.agents.port);
        this.emit('agent-command', { backend: e.backend, action: e.action, port: e.port });
        return;
    }
  }

  /** Table 111 brought up to date; a rebuild from a dump (the start, lost events) is worth an event. */
  private readRoutes(read: () => FeedResult): void {
    const t0 = performance.now();
    const r = read();
    if (r.dumped !== undefined)
      this.emit('routes-rebuilt', { entries: r.dumped, routes: this.core.routes.size, ms: Math.round(performance.now() - t0) });
  }

  /** The service's cycle as back-end addresses. */
  private cycle(port: number): string[] {
    const ip = new Map(this.core.table.members(port).map((m) => [m.backend, m.ip]));
    return ratioCycle(this.core.table.weights(port)).map((b) => ip.get(b)!);
  }

  private probeAll(): void {
    const port = this.config.health.tcpPort!;
    for (const b of this.config.backends) {
      const socket = connect({ host: b.ip, port, timeout: this.config.health.intervalMs });
      const done = (ok: boolean) => {
        socket.destroy();
        void this.apply(this.core.probed(b.name, ok, this.clock.nowMs()));
      };
      socket.once('connect', () => done(true));
      socket.once('timeout', () => done(false));
      socket.once('error', () => done(false));
    }
  }

  private every(ms: number, run: () => unknown): void {
    this.timers.push(
      setInterval(() => {
        try {
          void run();
        } catch (e) {
          this.emit('error', { error: errorMessage(e) });
        }
      }, ms),
    );
  }
}
