// Pure: the communication processing device's tables of seed 004 and the rules that change
// them. Table 35 (server ↔ IP) and table 36 (IP ↔ MAC) for embodiment 1, table 39 (port ↔
// state ↔ server) for embodiment 2. Every mutation either refuses with a reason or returns the
// changes the data plane must make (nic-plan.ts turns them into kernel operations), so the
// kernel never holds a state the tables do not.
//
// Choices where the patent is silent (docs/shared-nic.md): a second server registering an IP
// already held is refused (IBM OSA's E005); a server whose link is down is deregistered and
// refused until it comes back; a join (the application starting, S302) never demotes an
// active row, only an explicit port-state command or a switch does; at most one active row
// per port; leaving the active row leaves the port with no active row (nothing is promoted
// unless the optional automatic switch does it).

export type PortState = 'active' | 'standby';

export interface ServerSpec {
  name: string;
  /** The device's interface towards this server. */
  iface: string;
  /** The server's address on that link: the next hop for its IPs, the DNAT target for its ports. */
  address: string;
}

export type TableChange =
  | { kind: 'ip-added'; ip: string; server: string; via: string; iface: string }
  | { kind: 'ip-removed'; ip: string; server: string; via: string; iface: string }
  /** The active server of `port` is now `server` (at `address`), or none. */
  | { kind: 'port-target'; port: number; server?: string; address?: string };

export type Refusal = { code: 400 | 404 | 409; reason: string };
export type Outcome = { ok: true; changes: TableChange[]; note?: string } | ({ ok: false } & Refusal);

export interface PortRow {
  port: number;
  state: PortState;
  server: string;
}

export interface NetworkSpec {
  /** The device's own address on NIC 31 (IP 37), and its prefix length. */
  deviceIp: string;
  prefixLength: number;
  /** MAC 32: every IP of table 36 maps to it. */
  mac: string;
}

const ipNumber = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

const refuse = (code: Refusal['code'], reason: string): Outcome => ({ ok: false, code, reason });
const done = (changes: TableChange[] = [], note?: string): Outcome => ({ ok: true, changes, ...(note ? { note } : {}) });

export class NicTables {
  private readonly servers = new Map<string, ServerSpec>();
  /** Table 35, keyed by IP: the server that registered it. */
  private readonly ipOwner = new Map<string, string>();
  /** Table 39: per port, per server, its state (insertion order = order of joining). */
  private readonly ports = new Map<number, Map<string, PortState>>();
  private readonly linkDown = new Set<string>();

  constructor(
    readonly network: NetworkSpec,
    servers: readonly ServerSpec[],
  ) {
    for (const s of servers) {
      if (this.servers.has(s.name)) throw new Error(`server ${s.name} is listed twice`);
      this.servers.set(s.name, s);
    }
  }

  /** Why `ip` cannot be served on NIC 31's network, if it cannot. */
  ipProblem(ip: string): string | undefined {
    if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(ip) || ip.split('.').some((o) => Number(o) > 255)) return `${ip} is not an IPv4 address`;
    const { deviceIp, prefixLength } = this.network;
    const size = 2 ** (32 - prefixLength);
    const base = ipNumber(deviceIp) - (ipNumber(deviceIp) % size);
    const n = ipNumber(ip);
    if (n < base || n >= base + size)
      return `${ip} is outside NIC 31's network ${deviceIp}/${prefixLength}: the device cannot answer ARP for it`;
    if (size > 2 && (n === base || n === base + size - 1)) return `${ip} is the network's network or broadcast address`;
    if (ip === deviceIp) return `${ip} is the device's own address (IP 37)`;
    return undefined;
  }

  /** Embodiment 1, application start: `server` asks the device to accept connections to `ip`. */
  register(server: string, ip: string): Outcome {
    const s = this.servers.get(server);
    if (!s) return refuse(404, `unknown server ${server}; known: ${[...this.servers.keys()].join(', ')}`);
    const problem = this.ipProblem(ip);
    if (problem) return refuse(400, problem);
    const owner = this.ipOwner.get(ip);
    if (owner === server) return done([], 'already registered');
    if (owner) return refuse(409, `duplicate registration: ${ip} is registered by ${owner}`);
    if (this.linkDown.has(server)) return refuse(409, `the link to ${server} (${s.iface}) is down`);
    this.ipOwner.set(ip, server);
    return done([{ kind: 'ip-added', ip, server, via: s.address, iface: s.iface }]);
  }

  /** Embodiment 1, application stop. Deregistering an IP that is not registered is a no-op; another server's, a refusal. */
  deregister(server: string, ip: string): Outcome {
    const s = this.servers.get(server);
    if (!s) return refuse(404, `unknown server ${server}`);
    const owner = this.ipOwner.get(ip);
    if (owner === undefined) return done([], 'not registered');
    if (owner !== server) return refuse(409, `${ip} is registered by ${owner}, not ${server}`);
    this.ipOwner.delete(ip);
    return done([{ kind: 'ip-removed', ip, server, via: s.address, iface: s.iface }]);
  }

  /** Embodiment 2, application start (S302): a row for `server` on `port`; an existing row is left as it is. */
  join(server: string, port: number, state: PortState): Outcome {
    const pre = this.portCommandProblem(server, port);
    if (pre) return pre;
    const rows = this.rowsOf(port);
    if (rows.has(server)) return done([], `already ${rows.get(server)}`);
    if (state === 'active' && this.activeOf(port) !== undefined) {
      rows.set(server, 'standby');
      return done([], `joined as standby: ${this.activeOf(port)} is active`);
    }
    rows.set(server, state);
    return done(state === 'active' ? [this.target(port)] : []);
  }

  /** Embodiment 2, a port-state command (Figure 10): records the row; marking active demotes the current active. */
  setState(server: string, port: number, state: PortState): Outcome {
    const pre = this.portCommandProblem(server, port);
    if (pre) return pre;
    const rows = this.rowsOf(port);
    const before = this.activeOf(port);
    if (state === 'active') for (const [name, st] of rows) if (st === 'active' && name !== server) rows.set(name, 'standby');
    rows.set(server, state);
    return done(this.activeOf(port) === before ? [] : [this.target(port)]);
  }

  /**
   * The operator's switch command (Figures 11, 12), from `server`: it becomes active on `port`
   * and the current active becomes standby, both rows in one step.
   */
  switchTo(server: string, port: number): Outcome {
    const pre = this.portCommandProblem(server, port);
    if (pre) return pre;
    const rows = this.ports.get(port);
    if (!rows?.has(server)) return refuse(409, `${server} has no row for port ${port}: its application has not joined`);
    if (rows.get(server) === 'active') return done([], 'already active');
    const from = this.activeOf(port);
    if (from) rows.set(from, 'standby');
    rows.set(server, 'active');
    return done([this.target(port)], from ? `from ${from}` : 'no server was active');
  }

  /** Embodiment 2, application stop: the row goes; if it was active the port has no active row. */
  leave(server: string, port: number): Outcome {
    if (!this.servers.has(server)) return refuse(404, `unknown server ${server}`);
    const rows = this.ports.get(port);
    const state = rows?.get(server);
    if (!rows || state === undefined) return done([], 'no row');
    rows.delete(server);
    if (rows.size === 0) this.ports.delete(port);
    return done(state === 'active' ? [this.target(port)] : []);
  }

  /** The link to `server` went down: all its IPs and rows go, and it is refused until the link is back. */
  linkWentDown(server: string): TableChange[] {
    this.linkDown.add(server);
    const changes: TableChange[] = [];
    for (const [ip, owner] of [...this.ipOwner])
      if (owner === server) changes.push(...(this.deregister(server, ip) as { changes: TableChange[] }).changes);
    for (const port of [...this.ports.keys()]) changes.push(...(this.leave(server, port) as { changes: TableChange[] }).changes);
    return changes;
  }

  linkCameUp(server: string): void {
    this.linkDown.delete(server);
  }

  isLinkDown(server: string): boolean {
    return this.linkDown.has(server);
  }

  activeOf(port: number): string | undefined {
    for (const [name, st] of this.ports.get(port) ?? []) if (st === 'active') return name;
    return undefined;
  }

  /** The first standby row of `port` in joining order (what the optional automatic switch promotes). */
  firstStandby(port: number): string | undefined {
    for (const [name, st] of this.ports.get(port) ?? []) if (st === 'standby') return name;
    return undefined;
  }

  serverOf(ip: string): string | undefined {
    return this.ipOwner.get(ip);
  }

  spec(server: string): ServerSpec | undefined {
    return this.servers.get(server);
  }

  portList(): number[] {
    return [...this.ports.keys()].sort((a, b) => a - b);
  }

  /** Figure 2: server ↔ IP, by IP. */
  table35(): { server: string; ip: string }[] {
    return [...this.ipOwner].sort(([a], [b]) => ipNumber(a) - ipNumber(b)).map(([ip, server]) => ({ server, ip }));
  }

  /** Figure 3: IP ↔ MAC; IP 37 is the device's own, from its config (seed §3.8), the rest registered. */
  table36(): { ip: string; mac: string; source: 'device' | 'registered' }[] {
    return [
      { ip: this.network.deviceIp, mac: this.network.mac, source: 'device' as const },
      ...this.table35().map(({ ip }) => ({ ip, mac: this.network.mac, source: 'registered' as const })),
    ];
  }

  /** Figure 7: port, state, server; by port, the active row first. */
  table39(): PortRow[] {
    return this.portList().flatMap((port) =>
      [...this.ports.get(port)!]
        .map(([server, state]) => ({ port, state, server }))
        .sort((a, b) => (a.state === b.state ? 0 : a.state === 'active' ? -1 : 1)),
    );
  }

  private rowsOf(port: number): Map<string, PortState> {
    let rows = this.ports.get(port);
    if (!rows) this.ports.set(port, (rows = new Map<string, PortState>()));
    return rows;
  }

  private portCommandProblem(server: string, port: number): Outcome | undefined {
    const s = this.servers.get(server);
    if (!s) return refuse(404, `unknown server ${server}; known: ${[...this.servers.keys()].join(', ')}`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse(400, `port ${port} is not 1–65535`);
    if (this.linkDown.has(server)) return refuse(409, `the link to ${server} (${s.iface}) is down`);
    return undefined;
  }

  private target(port: number): TableChange {
    const server = this.activeOf(port);
    return server ? { kind: 'port-target', port, server, address: this.servers.get(server)!.address } : { kind: 'port-target', port };
  }
}
