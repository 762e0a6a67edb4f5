// Pure: the assigned-route table (seed 002, table 111): (service, client IP, client port) →
// back end, one entry per live forwarded connection. The kernel's conntrack table is the
// authority (it made each choice and forwards every later packet by it), so 111 is rebuilt
// from each dump: exact at every refresh, never a guess. Entries of closing connections
// (TIME_WAIT, CLOSE) are not routes: nothing more is served on them.
export interface AssignedRoute {
  service: number;
  clientIp: string;
  clientPort: number;
  backend: string;
  backendIp: string;
  /** conntrack's TCP state. */
  state: string;
}

/** What a conntrack dump entry says, reduced to what 111 needs. */
export interface ConnectionReading {
  clientIp: string;
  clientPort: number;
  /** The original destination (the front end's address and service port). */
  frontIp: string;
  service: number;
  /** Where conntrack sends it: the reply tuple's source. */
  backendIp: string;
  state: string | undefined;
}

const CLOSED = new Set(['TIME_WAIT', 'CLOSE']);

export const routeKey = (service: number, clientIp: string, clientPort: number): string => `${service}/${clientIp}:${clientPort}`;

export class AssignedRoutes {
  private routes = new Map<string, AssignedRoute>();
  private readonly byIp: Map<string, string>;

  constructor(backends: readonly { name: string; ip: string }[]) {
    this.byIp = new Map(backends.map((b) => [b.ip, b.name]));
  }

  /** Rebuilds the table from a dump; returns the keys that appeared and those that went. */
  replace(readings: readonly ConnectionReading[], frontIp: string, services: ReadonlySet<number>): { added: number; removed: number } {
    const next = new Map<string, AssignedRoute>();
    for (const r of readings) {
      if (r.frontIp !== frontIp || !services.has(r.service) || CLOSED.has(r.state ?? '')) continue;
      const backend = this.byIp.get(r.backendIp);
      if (backend === undefined) continue;
      const key = routeKey(r.service, r.clientIp, r.clientPort);
      next.set(key, {
        service: r.service,
        clientIp: r.clientIp,
        clientPort: r.clientPort,
        backend,
        backendIp: r.backendIp,
        state: r.state ?? '',
      });
    }
    let added = 0;
    for (const k of next.keys()) if (!this.routes.has(k)) added++;
    let removed = 0;
    for (const k of this.routes.keys()) if (!next.has(k)) removed++;
    this.routes = next;
    return { added, removed };
  }

  /** Deletes a back end's routes (of `ports`, or all); returns them. */
  removeBackend(backend: string, ports?: ReadonlySet<number>): AssignedRoute[] {
    const gone: AssignedRoute[] = [];
    for (const [k, r] of this.routes)
      if (r.backend === backend && (!ports || ports.has(r.service))) {
        gone.push(r);
        this.routes.delete(k);
      }
    return gone;
  }

  get(service: number, clientIp: string, clientPort: number): AssignedRoute | undefined {
    return this.routes.get(routeKey(service, clientIp, clientPort));
  }

  count(service?: number, backend?: string): number {
    let n = 0;
    for (const r of this.routes.values())
      if ((service === undefined || r.service === service) && (backend === undefined || r.backend === backend)) n++;
    return n;
  }

  /** Routes per service and back end: { "8081": { be3: 200, be4: 100 } }. */
  counts(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const r of this.routes.values()) {
      const s = (out[String(r.service)] ??= {});
      s[r.backend] = (s[r.backend] ?? 0) + 1;
    }
    return out;
  }

  list(): AssignedRoute[] {
    return [...this.routes.values()];
  }

  get size(): number {
    return this.routes.size;
  }
}
