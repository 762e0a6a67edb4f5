// What a heartbeat carries besides the state machine's adverts: while ACTIVE, the clients of
// each fast-fail or takeover group and, for takeover, the application's checkpoints of their
// connections. A heartbeat has room for MAX_CONNS_PER_BEAT clients and MAX_CHECKPOINTS_PER_BEAT
// checkpoints per group, so larger lists go out in turns, round robin: every connection is
// carried within a few beats, whatever their number.
import type { Clock } from '../../common/clock.js';
import {
  MAX_CHECKPOINTS_PER_BEAT,
  MAX_CONNS_PER_BEAT,
  type GroupAdvert,
  type Heartbeat,
  type TakeoverCheckpoint,
} from './heartbeat-codec.js';

interface Checkpoints {
  version: number;
  list: TakeoverCheckpoint[];
  /** Where the next beat's share starts. */
  next: number;
}

export class HeartbeatPacker {
  private seq = 0;
  private readonly clients = new Map<string, string[]>();
  private readonly checkpoints = new Map<string, Checkpoints>();

  /** `boot`: random per daemon start, so peers accept a restarted sequence. */
  constructor(
    private readonly node: string,
    private readonly boot: string,
    private readonly clock: Clock,
  ) {}

  /** The group's service clients as last read; undefined: the group carries none (not ACTIVE). */
  setClients(group: string, clients: string[] | undefined): void {
    if (clients) this.clients.set(group, clients);
    else this.clients.delete(group);
  }

  /** The version of the group's checkpoints held, for asking the application only for news. */
  checkpointVersion(group: string): number | undefined {
    return this.checkpoints.get(group)?.version;
  }

  setCheckpoints(group: string, version: number, list: TakeoverCheckpoint[]): void {
    this.checkpoints.set(group, { version, list, next: 0 });
  }

  dropCheckpoints(group: string): void {
    this.checkpoints.delete(group);
  }

  /** The next heartbeat (its own sequence number, sent now) with the groups' adverts. */
  pack(adverts: GroupAdvert[]): Heartbeat {
    let room = MAX_CONNS_PER_BEAT;
    const conns = [...this.clients].map(([group, clients]) => {
      const some = clients.slice(0, room);
      room -= some.length;
      const tcp = this.checkpointShare(group);
      return { group, clients: some, ...(tcp ? { tcp } : {}) };
    });
    return {
      v: 1,
      node: this.node,
      boot: this.boot,
      seq: ++this.seq,
      sentMs: this.clock.nowMs(),
      groups: adverts,
      ...(conns.length ? { conns } : {}),
    };
  }

  private checkpointShare(group: string): TakeoverCheckpoint[] | undefined {
    const c = this.checkpoints.get(group);
    if (!c || c.list.length === 0) return undefined;
    if (c.list.length <= MAX_CHECKPOINTS_PER_BEAT) return c.list;
    const share = Array.from({ length: MAX_CHECKPOINTS_PER_BEAT }, (_, i) => c.list[(c.next + i) % c.list.length]!);
    c.next = (c.next + MAX_CHECKPOINTS_PER_BEAT) % c.list.length;
    return share;
  }
}
