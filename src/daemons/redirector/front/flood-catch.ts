// Pure: what the copied connections' ends sent to the dead active while the switch flooded it
// here. Once the active's port is gone, the switch no longer knows its MAC and floods every frame
// for it; the standby's capture sees them (its kernel drops them: not its MAC). Among them are the
// ends' first retransmission timeouts (≈ 210 ms after the crash, before the takeover) and the
// receivers' last ACKs: lost, they leave each end waiting a whole RTO more after the takeover,
// which the kick's ICMP errors cannot shorten (docs/redirector.md, "Where the time goes").
// Forwarded at the takeover through the copies' NAT bindings, they arrive late but not lost.
import type { KickTarget } from '../../shared/retransmit-kick.js';
import type { ParsedTcp } from '../../../kernel/tcp-segment.js';

/** The directions a copied connection's ends send in: the client to the front, the server to its peer. */
export const floodKeys = (targets: readonly KickTarget[]): Set<string> =>
  new Set(targets.flatMap((t) => [directionKey(t.client, t.front), directionKey(t.server, t.peer)]));

const directionKey = (from: { ip: string; port: number }, to: { ip: string; port: number }) =>
  `${from.ip}:${from.port}>${to.ip}:${to.port}`;

interface Held {
  packet: Buffer;
  atMs: number;
  /** Capture order across directions. */
  n: number;
}

export class FloodCatch {
  /** By direction, oldest first. */
  private readonly held = new Map<string, Held[]>();
  private caught = 0;

  constructor(
    /** Older than this at the takeover: no longer waited for (and maybe seen by the active). */
    private readonly keepMs: number,
    /** Per direction; the oldest go first (an end retransmits from its oldest byte anyway). */
    private readonly maxPerDirection: number,
  ) {}

  /** Keeps `packet` (copied) when it is a segment of a copied connection; SYNs and resets never. */
  offer(packet: Buffer, tcp: ParsedTcp, wanted: ReadonlySet<string>, nowMs: number): boolean {
    if (tcp.flags.syn || tcp.flags.rst) return false;
    const key = directionKey({ ip: tcp.src, port: tcp.srcPort }, { ip: tcp.dst, port: tcp.dstPort });
    if (!wanted.has(key)) return false;
    const list = this.held.get(key) ?? [];
    list.push({ packet: Buffer.from(packet), atMs: nowMs, n: this.caught++ });
    if (list.length > this.maxPerDirection) list.shift();
    this.held.set(key, list);
    return true;
  }

  /** Forgets what is too old to forward (call every round, so a long standby holds nothing stale). */
  expire(nowMs: number): void {
    for (const [key, list] of this.held) {
      const fresh = list.filter((h) => nowMs - h.atMs <= this.keepMs);
      if (fresh.length === 0) this.held.delete(key);
      else this.held.set(key, fresh);
    }
  }

  /** What to forward now, in the order it was caught (each end's timestamps stay increasing); then nothing is held. */
  take(nowMs: number): { packets: Buffer[]; directions: number } {
    this.expire(nowMs);
    const all = [...this.held.values()].flat().sort((a, b) => a.n - b.n);
    const directions = this.held.size;
    this.held.clear();
    return { packets: all.map((h) => h.packet), directions };
  }
}
