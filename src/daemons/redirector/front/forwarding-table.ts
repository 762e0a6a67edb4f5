// Pure: the forwarding-control table (seed 002, table 112): per service port, the back ends
// that may receive its new connections and each one's ratio. A member is `serving` (in the
// ratio cycle), `starting` (scale-out: its process is being started; not in the cycle until it
// listens) or `stopping` (drain-then-stop: ratio 0 until its last route is gone). A failed or
// admin-removed back end leaves the table (the patent: "stop distributing to it") and waits in
// `removed` with its last ratio, for the admin's re-add (or auto re-add).
import type { Weighted } from './ratio-schedule.js';

export type MemberState = 'serving' | 'starting' | 'stopping';

export interface Member {
  backend: string;
  ip: string;
  ratio: number;
  state: MemberState;
}

export interface RemovedMember {
  port: number;
  backend: string;
  ip: string;
  ratio: number;
  reason: 'failed' | 'admin';
}

/** A whole table as one front end of a pair hands it to the other (GET /sync). */
export interface TableCopy {
  services: { port: number; members: Member[] }[];
  removed: RemovedMember[];
}

export class ForwardingTableError extends Error {}

export class ForwardingTable {
  private readonly services = new Map<number, Member[]>();
  private readonly removedList: RemovedMember[] = [];

  constructor(services: readonly { port: number; members: readonly Omit<Member, 'state'>[] }[]) {
    for (const s of services)
      this.services.set(
        s.port,
        s.members.map((m) => ({ ...m, state: 'serving' })),
      );
  }

  ports(): number[] {
    return [...this.services.keys()];
  }

  members(port: number): readonly Member[] {
    return this.service(port);
  }

  member(port: number, backend: string): Member | undefined {
    return this.services.get(port)?.find((m) => m.backend === backend);
  }

  /** What the ratio cycle is made of: serving members with their ratio, in table order. */
  weights(port: number): Weighted[] {
    return this.service(port)
      .filter((m) => m.state === 'serving')
      .map((m) => ({ name: m.backend, weight: m.ratio }));
  }

  /** The service ports a back end is a member of. */
  portsOf(backend: string): number[] {
    return this.ports().filter((p) => this.member(p, backend) !== undefined);
  }

  setRatio(port: number, backend: string, ratio: number): { from: number; to: number } {
    const m = this.member(port, backend);
    if (!m) throw new ForwardingTableError(`${backend} is not in service ${port}; members: ${this.names(port)}`);
    if (m.state === 'stopping') throw new ForwardingTableError(`${backend} is being stopped for ${port}; its ratio stays 0`);
    const from = m.ratio;
    m.ratio = ratio;
    return { from, to: ratio };
  }

  setState(port: number, backend: string, state: MemberState): void {
    const m = this.member(port, backend);
    if (!m) throw new ForwardingTableError(`${backend} is not in service ${port}; members: ${this.names(port)}`);
    m.state = state;
    if (state === 'stopping') m.ratio = 0;
  }

  /** Adds a member (admin add, re-add or scale-out); it leaves `removed` if it waited there. */
  add(port: number, backend: string, ip: string, ratio: number, state: MemberState = 'serving'): void {
    const list = this.service(port);
    if (list.some((m) => m.backend === backend)) throw new ForwardingTableError(`${backend} is in service ${port} already`);
    list.push({ backend, ip, ratio, state });
    this.forget(port, backend);
  }

  /** Takes a member out of the table; it waits in `removed` for a re-add. */
  remove(port: number, backend: string, reason: RemovedMember['reason']): RemovedMember {
    const list = this.service(port);
    const i = list.findIndex((m) => m.backend === backend);
    if (i < 0) throw new ForwardingTableError(`${backend} is not in service ${port}; members: ${this.names(port)}`);
    const [m] = list.splice(i, 1);
    const removed: RemovedMember = { port, backend, ip: m!.ip, ratio: m!.ratio, reason };
    this.forget(port, backend);
    this.removedList.push(removed);
    return removed;
  }

  /** Drops a member with no trace (a stopped process, a scale-out that never listened). */
  drop(port: number, backend: string): void {
    const list = this.service(port);
    const i = list.findIndex((m) => m.backend === backend);
    if (i >= 0) list.splice(i, 1);
  }

  removed(): readonly RemovedMember[] {
    return this.removedList;
  }

  snapshot(): { port: number; members: Member[] }[] {
    return this.ports().map((port) => ({ port, members: this.service(port).map((m) => ({ ...m })) }));
  }

  copy(): TableCopy {
    return { services: this.snapshot(), removed: this.removedList.map((r) => ({ ...r })) };
  }

  /**
   * Takes another table's contents whole (a standby front end following the active's); returns
   * the ports whose ratio cycle changed. Refused, with nothing changed, unless it has the same
   * service ports and each back end at most once per service.
   */
  replaceWith(t: TableCopy): number[] {
    const ours = this.ports().sort((a, b) => a - b);
    const theirs = t.services.map((s) => s.port).sort((a, b) => a - b);
    if (ours.join() !== theirs.join())
      throw new ForwardingTableError(`its services are ${theirs.join(', ') || 'none'}, this table's ${ours.join(', ')}`);
    for (const s of t.services) {
      const names = s.members.map((m) => m.backend);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice) throw new ForwardingTableError(`${twice} is in its service ${s.port} twice`);
    }
    const stray = t.removed.find((r) => !this.services.has(r.port));
    if (stray)
      throw new ForwardingTableError(`its removed ${stray.backend} names service ${stray.port}, which is not one of ${ours.join(', ')}`);
    const changed: number[] = [];
    for (const s of t.services) {
      const before = JSON.stringify(this.weights(s.port));
      this.services.set(
        s.port,
        s.members.map((m) => ({ ...m })),
      );
      if (JSON.stringify(this.weights(s.port)) !== before) changed.push(s.port);
    }
    this.removedList.splice(0, this.removedList.length, ...t.removed.map((r) => ({ ...r })));
    return changed;
  }

  private forget(port: number, backend: string): void {
    const i = this.removedList.findIndex((r) => r.port === port && r.backend === backend);
    if (i >= 0) this.removedList.splice(i, 1);
  }

  private service(port: number): Member[] {
    const list = this.services.get(port);
    if (!list) throw new ForwardingTableError(`no service ${port}; services: ${this.ports().join(', ')}`);
    return list;
  }

  private names(port: number): string {
    return (
      this.service(port)
        .map((m) => m.backend)
        .join(', ') || 'none'
    );
  }
}
