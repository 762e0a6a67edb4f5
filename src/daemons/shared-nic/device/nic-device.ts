// The device: the tables (nic-tables.ts), the kernel (data-plane.ts) and the events, with one
// command at a time (each command's table change and kernel change finish before the next
// starts, so the kernel always matches the tables). A refused command changes nothing.
import { connect } from 'node:net';
import type { EmitEvent } from '../../shared/event-log.js';
import { announce } from '../../shared/garp.js';
import { ConflictError } from '../../shared/json-api.js';
import { NicTables, type Outcome, type TableChange } from '../nic-tables.js';
import type { NicPath, NicReply, NicRequest } from '../protocol.js';
import { hasCarrier, type DataPlane } from './data-plane.js';
import { afterRound, HealthTrack } from './health-track.js';
import type { SharedNicConfig } from './shared-nic-config.js';

/** A refused command: the API answers with its code and reason. */
export class RefusedError extends ConflictError {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class NicDevice {
  readonly tables: NicTables;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly health: HealthTrack | undefined;
  private checking = false;
  /** Refusals held that the last round already judged (a new one is a reason to check now). */
  private heldJudged = 0;

  constructor(
    private readonly config: SharedNicConfig,
    private readonly plane: DataPlane,
    private readonly emit: EmitEvent,
  ) {
    this.tables = new NicTables({ deviceIp: config.deviceIp, prefixLength: config.prefixLength, mac: config.external.mac }, config.servers);
    this.health = config.autoSwitch ? new HealthTrack(config.autoSwitch.failures) : undefined;
  }

  /** Runs one API command; resolves with what changed, rejects with RefusedError. */
  command<P extends NicPath>(path: P, body: NicRequest<P>): Promise<NicReply> {
    return this.serially(async () => {
      const outcome = this.decide(path, body);
      if (!outcome.ok) {
        this.emit('refused', { path, ...body, code: outcome.code, reason: outcome.reason });
        throw new RefusedError(outcome.code, outcome.reason);
      }
      await this.carryOut(outcome.changes);
      const changedTables = this.report(path, body, outcome);
      if (this.config.autoSwitch && path === '/port/leave') await this.promoteOrphans('active-left');
      if (changedTables) this.emitTables();
      return { changes: outcome.changes, ...(outcome.note ? { note: outcome.note } : {}) };
    });
  }

  /** Reads every server link; one that lost carrier deregisters its server (and may come back). */
  pollLinks(): Promise<void> {
    return this.serially(async () => {
      let changed = false;
      for (const s of this.config.servers) {
        const up = hasCarrier(s.iface);
        const down = this.tables.isLinkDown(s.name);
        if (!up && !down) {
          const changes = this.tables.linkWentDown(s.name);
          await this.carryOut(changes);
          this.emit('link-down', { server: s.name, iface: s.iface, removed: changes });
          changed = true;
        } else if (up && down) {
          this.tables.linkCameUp(s.name);
          this.emit('link-up', { server: s.name, iface: s.iface });
        }
      }
      if (changed && this.config.autoSwitch) await this.promoteOrphans('link-down');
      if (changed) this.emitTables();
    });
  }

  /**
   * The optional automatic switch: one TCP check of each port's active server, then what
   * becomes of the refusals held meanwhile (health-track.ts afterRound).
   */
  async checkHealth(rerun = false): Promise<void> {
    const auto = this.config.autoSwitch;
    if (!auto || !this.health || this.checking) return;
    this.checking = true;
    let next: ReturnType<typeof afterRound> | undefined;
    try {
      const heldAtStart = this.plane.heldRefusals();
      const rows = this.tables.portList().flatMap((port) => {
        const server = this.tables.activeOf(port);
        return server ? [{ port, server, address: this.tables.spec(server)!.address }] : [];
      });
      const results = await Promise.all(rows.map(async (r) => ({ ...r, healthy: await tcpCheck(r.address, r.port, auto.timeoutMs) })));
      let switched = false;
      for (const r of results) {
        if (!this.health.record(r.port, r.server, r.healthy)) continue;
        await this.serially(async () => {
          if (this.tables.activeOf(r.port) !== r.server) return;
          const to = this.tables.firstStandby(r.port);
          if (!to) return this.emit('auto-switch-impossible', { port: r.port, from: r.server, reason: 'no standby row' });
          await this.switchNow(to, r.port, 'auto', { failures: auto.failures });
          switched = true;
          this.emitTables();
        });
      }
      const heldNow = this.plane.heldRefusals();
      next = afterRound({ heldAtStart, heldNow, switched, rerun }, this.health.suspect());
      this.heldJudged = heldNow;
      if (next === 'release') {
        this.emit('refusals-released', { count: this.plane.releaseRefusals() });
        this.heldJudged = 0;
      }
    } finally {
      this.checking = false;
    }
    if (next === 'check-again') await this.checkHealth(true);
  }

  /**
   * Polled every few ms while the hold is on (one non-blocking read of the queue): a new
   * refusal starts a round of checks now, instead of at the next interval, while its client waits.
   */
  async watchRefusals(): Promise<void> {
    if (this.checking) return;
    const held = this.plane.heldRefusals();
    if (held <= this.heldJudged) return;
    this.emit('refusal-held', { held });
    await this.checkHealth();
  }

  status(): Record<string, unknown> {
    let counters: Record<string, number> | string;
    try {
      counters = this.plane.readCounters();
    } catch (e) {
      counters = `unreadable: ${String(e)}`;
    }
    return {
      node: this.config.node,
      nic: { iface: this.config.external.iface, mac: this.config.external.mac, deviceIp: this.config.deviceIp },
      autoSwitch: this.config.autoSwitch ?? false,
      ...this.tableDump(),
      linksDown: this.config.servers.filter((s) => this.tables.isLinkDown(s.name)).map((s) => s.name),
      counters,
    };
  }

  tableDump() {
    return { table35: this.tables.table35(), table36: this.tables.table36(), table39: this.tables.table39() };
  }

  private decide<P extends NicPath>(path: P, body: NicRequest<P>): Outcome {
    // The route has checked body against nicRequests[path]; each case reads what its schema has.
    const b = body as { server: string; ip: string; port: number; state: 'active' | 'standby' };
    switch (path) {
      case '/register':
        return this.tables.register(b.server, b.ip);
      case '/deregister':
        return this.tables.deregister(b.server, b.ip);
      case '/port/join':
        return this.tables.join(b.server, b.port, b.state);
      case '/port/leave':
        return this.tables.leave(b.server, b.port);
      case '/port/state':
        return this.tables.setState(b.server, b.port, b.state);
      case '/switch':
        return this.tables.switchTo(b.server, b.port);
    }
    return { ok: false, code: 404, reason: `no command ${path}` };
  }

  /** Says what a command changed in the tables (a standby row changes no kernel state, yet it is a change); false for a repeat. */
  private report(path: NicPath, body: Record<string, unknown>, outcome: Outcome & { ok: true }): boolean {
    if (outcome.changes.length === 0 && /^(already|not registered|no row)/.test(outcome.note ?? '')) return false;
    const event = {
      '/register': 'registered',
      '/deregister': 'deregistered',
      '/port/join': 'port-joined',
      '/port/leave': 'port-left',
      '/port/state': 'port-state',
      '/switch': 'port-switched',
    }[path];
    const port = body.port as number | undefined;
    this.emit(event, {
      ...body,
      ...(port !== undefined ? { active: this.tables.activeOf(port) ?? null } : {}),
      note: outcome.note,
      reason: 'command',
    });
    return true;
  }

  private async switchNow(server: string, port: number, reason: string, extra: Record<string, unknown> = {}): Promise<void> {
    const from = this.tables.activeOf(port) ?? null;
    const outcome = this.tables.switchTo(server, port);
    if (!outcome.ok) return this.emit('auto-switch-impossible', { port, to: server, reason: outcome.reason });
    await this.carryOut(outcome.changes);
    this.health?.forget(port);
    this.emit('port-switched', { server, port, from, active: server, reason, ...extra });
  }

  /** Automatic switch only: a port whose active row is gone gets its first standby. */
  private async promoteOrphans(why: string): Promise<void> {
    for (const port of this.tables.portList()) {
      if (this.tables.activeOf(port)) continue;
      const to = this.tables.firstStandby(port);
      if (to) await this.switchNow(to, port, 'auto', { why });
    }
  }

  private async carryOut(changes: readonly TableChange[]): Promise<void> {
    await this.plane.apply(changes);
    for (const c of changes) {
      const n = this.config.garpOnRegister;
      if (c.kind === 'ip-added' && n > 0) await announce(c.ip, this.config.external.iface, this.config.external.mac, n, 50);
    }
  }

  private emitTables(): void {
    this.emit('tables', this.tableDump());
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Whether a TCP connection to address:port opens within timeoutMs. */
const tcpCheck = (host: string, port: number, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const end = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => end(true));
    socket.once('timeout', () => end(false));
    socket.once('error', () => end(false));
  });
