// Pure: the assigned-route table (seed 002, table 111): (service, client IP, client port) →
// back end, one entry per live forwarded connection. The kernel's conntrack table is the
// authority (it made each choice and forwards every later packet by it): 111 is built from one
// dump, then kept exact by conntrack's events (new, state change, destroy) — or rebuilt from a
// dump again when events were lost. Entries of closing connections (TIME_WAIT, CLOSE) are not
// routes: nothing more is served on them. Rows live in typed columns (route-columns.ts).
import { ipv4Bytes } from '../../../kernel/inet-bytes.js';
import { IPPROTO_TCP, ipv4Of, TCP_STATES } from '../../../kernel/ctnetlink-codec.js';
import { RouteColumns } from './route-columns.js';

export interface AssignedRoute {
  service: number;
  clientIp: string;
  clientPort: number;
  backend: string;
  backendIp: string;
  /** conntrack's TCP state. */
  state: string;
}

/** A conntrack entry or event as numbers (the kernel decoder's EntryFields is one); addresses as unsigned 32-bit. */
export interface ConnectionFields {
  orig: { src: number; dst: number; protocol: number; sport: number; dport: number };
  /** The reply's source: where conntrack sends the connection. */
  reply: { src: number };
  /** Index into TCP_STATES; -1 when the message carries none (an update of other fields). */
  tcpState: number;
  /** A destroy event. */
  deleted: boolean;
  /** A new-connection event (or a dump entry): may add a route even without a TCP state. */
  created: boolean;
}

/** What a conntrack dump entry says, in strings: the readable form for tests and tools. */
export interface ConnectionReading {
  clientIp: string;
  clientPort: number;
  /** The original destination (the front end's address and service port). */
  frontIp: string;
  service: number;
  backendIp: string;
  state: string | undefined;
}

const TIME_WAIT = TCP_STATES.indexOf('TIME_WAIT');
const CLOSE = TCP_STATES.indexOf('CLOSE');
const UNKNOWN_STATE = 255;
const u32 = (ip: string): number => ipv4Bytes(ip).readUInt32BE(0);

export class AssignedRoutes {
  private readonly rows = new RouteColumns();
  private readonly names: string[];
  private readonly ips: string[];
  /** Back-end address → index into names (+1; 0: not a back end). */
  private readonly byIp = new Map<number, number>();
  private readonly front: number;
  private readonly services: Set<number>;
  private generation = 0;

  constructor(backends: readonly { name: string; ip: string }[], frontIp: string, services: Iterable<number>) {
    if (backends.length > 255) throw new Error(`table 111 holds at most 255 back ends (${backends.length} given)`);
    this.names = backends.map((b) => b.name);
    this.ips = backends.map((b) => b.ip);
    backends.forEach((b, i) => this.byIp.set(u32(b.ip), i + 1));
    this.front = u32(frontIp);
    this.services = new Set(services);
  }

  /** A full rebuild starts: rows not observed before endRebuild() are gone. */
  beginRebuild(): void {
    this.generation = (this.generation + 1) >>> 0 || 1;
  }

  /** Ends a rebuild; returns how many routes went (their connections are no longer in the dump). */
  endRebuild(): number {
    const r = this.rows;
    let removed = 0;
    for (let row = 0; row < r.end; row++)
      if (r.used[row] && r.seen[row] !== this.generation) {
        r.remove(row);
        removed++;
      }
    return removed;
  }

  /** Applies one entry of a dump, or one event; returns +1 (a route came), -1 (one went) or 0. */
  observe(f: ConnectionFields): number {
    const o = f.orig;
    if (o.protocol !== IPPROTO_TCP || o.dst !== this.front || !this.services.has(o.dport)) return 0;
    const r = this.rows;
    const closed = f.deleted || f.tcpState === TIME_WAIT || f.tcpState === CLOSE;
    const backend = this.byIp.get(f.reply.src);
    if (closed || backend === undefined) {
      const row = r.find(o.dport, o.src, o.sport);
      if (row < 0) return 0;
      r.remove(row);
      return -1;
    }
    // An update without a state (a mark, a flag) changes no route and must not revive a closed one.
    if (f.tcpState < 0 && !f.created) {
      const row = r.find(o.dport, o.src, o.sport);
      if (row >= 0) r.seen[row] = this.generation;
      return 0;
    }
    const { row, created } = r.insert(o.dport, o.src, o.sport);
    r.backend[row] = backend - 1;
    if (f.tcpState >= 0 || created) r.state[row] = f.tcpState >= 0 ? f.tcpState : UNKNOWN_STATE;
    r.seen[row] = this.generation;
    return created ? 1 : 0;
  }

  /** Rebuilds the table from readings (strings); returns the routes that appeared and those that went. */
  replace(readings: readonly ConnectionReading[]): { added: number; removed: number } {
    this.beginRebuild();
    let added = 0;
    for (const x of readings) {
      const state = x.state === undefined ? -1 : TCP_STATES.indexOf(x.state as (typeof TCP_STATES)[number]);
      const f: ConnectionFields = {
        orig: { src: u32(x.clientIp), dst: u32(x.frontIp), protocol: IPPROTO_TCP, sport: x.clientPort, dport: x.service },
        reply: { src: u32(x.backendIp) },
        tcpState: state,
        deleted: false,
        created: true,
      };
      if (this.observe(f) > 0) added++;
    }
    return { added, removed: this.endRebuild() };
  }

  /** Deletes a back end's routes (of `ports`, or all); returns them. */
  removeBackend(backend: string, ports?: ReadonlySet<number>): AssignedRoute[] {
    const b = this.names.indexOf(backend);
    const gone: AssignedRoute[] = [];
    const r = this.rows;
    if (b < 0) return gone;
    for (let row = 0; row < r.end; row++)
      if (r.used[row] && r.backend[row] === b && (!ports || ports.has(r.service[row]!))) {
        gone.push(this.route(row));
        r.remove(row);
      }
    return gone;
  }

  get(service: number, clientIp: string, clientPort: number): AssignedRoute | undefined {
    const row = this.rows.find(service, u32(clientIp), clientPort);
    return row < 0 ? undefined : this.route(row);
  }

  count(service?: number, backend?: string): number {
    if (service === undefined && backend === undefined) return this.rows.size;
    const b = backend === undefined ? -1 : this.names.indexOf(backend);
    if (backend !== undefined && b < 0) return 0;
    const r = this.rows;
    let n = 0;
    for (let row = 0; row < r.end; row++)
      if (r.used[row] && (service === undefined || r.service[row] === service) && (b < 0 || r.backend[row] === b)) n++;
    return n;
  }

  /** Routes per service and back end: { "8081": { be3: 200, be4: 100 } }. */
  counts(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    const r = this.rows;
    for (let row = 0; row < r.end; row++) {
      if (!r.used[row]) continue;
      const s = (out[String(r.service[row])] ??= {});
      const name = this.names[r.backend[row]!]!;
      s[name] = (s[name] ?? 0) + 1;
    }
    return out;
  }

  list(): AssignedRoute[] {
    const out: AssignedRoute[] = [];
    for (let row = 0; row < this.rows.end; row++) if (this.rows.used[row]) out.push(this.route(row));
    return out;
  }

  get size(): number {
    return this.rows.size;
  }

  private route(row: number): AssignedRoute {
    const r = this.rows.row(row);
    return {
      service: r.service,
      clientIp: ipv4Of(r.clientIp),
      clientPort: r.clientPort,
      backend: this.names[r.backend]!,
      backendIp: this.ips[r.backend]!,
      state: TCP_STATES[r.state] ?? '',
    };
  }
}
