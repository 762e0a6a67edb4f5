// Balancer → controller liveness datagrams (beyond the patent, which leaves failure detection
// open). Polling /status with a timeout cannot tell a dead balancer from a slow one in less than
// a timeout per miss (3.5 s here); VRRP's answer is a short advertisement interval, and this is
// the same: each balancer sends `{v, node, boot, seq, sentMs}` every intervalMs, HMAC-SHA256
// signed with a shared key, and the controller calls a balancer dead after `misses` intervals of
// silence. The forwarding is the kernel's, so what must be alive is the node and its daemon
// process, not the daemon's event loop (a worker thread sends them).
import { SequenceGuard, signDatagram, verifyDatagram, type DatagramOrigin } from '../shared/signed-datagram.js';

export type Liveness = DatagramOrigin;

const MAX_BYTES = 512;

export const encodeLiveness = (l: Liveness, key: Buffer): Buffer => signDatagram(Buffer.from(JSON.stringify(l), 'utf8'), key);

export type LivenessVerdict =
  { ok: true; liveness: Liveness } | { ok: false; reason: 'auth' | 'malformed' | 'oversize' | 'stale' | 'replay' };

/**
 * Checks signature, shape, freshness (sent within maxAgeMs: the lab's nodes share a clock) and
 * order (per node and boot the sequence must grow, so a captured datagram replayed later is
 * refused). Never throws: a bad datagram is a verdict, counted by the caller.
 */
export class LivenessGuard {
  private readonly order: SequenceGuard;
  constructor(
    private readonly key: Buffer,
    maxAgeMs = 2000,
  ) {
    this.order = new SequenceGuard(maxAgeMs);
  }

  accept(packet: Buffer, nowMs: number): LivenessVerdict {
    const verified = verifyDatagram(packet, this.key, MAX_BYTES);
    if (!verified.ok) return verified;
    let l: Partial<Liveness>;
    try {
      l = JSON.parse(verified.body.toString('utf8')) as Partial<Liveness>;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (
      typeof l !== 'object' ||
      l === null ||
      l.v !== 1 ||
      typeof l.node !== 'string' ||
      typeof l.boot !== 'string' ||
      !Number.isSafeInteger(l.seq) ||
      typeof l.sentMs !== 'number'
    ) {
      return { ok: false, reason: 'malformed' };
    }
    const order = this.order.accept(`${l.node}\0${l.boot}`, l.seq!, l.sentMs, nowMs);
    return order === 'ok' ? { ok: true, liveness: l as Liveness } : { ok: false, reason: order };
  }
}
