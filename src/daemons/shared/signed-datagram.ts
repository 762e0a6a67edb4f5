// Datagrams authenticated with HMAC-SHA256 over a shared key: the body, then its 32-byte MAC.
// The receiver checks the MAC before it parses anything, so nothing an unauthenticated sender
// wrote is ever interpreted; SequenceGuard then refuses stale and replayed ones.
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 32;

export const signDatagram = (body: Buffer, key: Buffer): Buffer => Buffer.concat([body, createHmac('sha256', key).update(body).digest()]);

/** Who sent a signed datagram and when: what SequenceGuard judges it by. */
export interface DatagramOrigin {
  v: 1;
  node: string;
  /** Random per daemon start: a restarted sender's sequence may start again. */
  boot: string;
  seq: number;
  sentMs: number;
}

export type VerifyResult = { ok: true; body: Buffer } | { ok: false; reason: 'auth' | 'malformed' | 'oversize' };

/**
 * Replay protection for signed datagrams: per sender (and whatever else `key` names: its boot,
 * a path) the sequence must grow, and the datagram must be fresh (sent within `maxAgeMs` of
 * now — lab nodes share a clock; elsewhere NTP). A replayed old boot's datagrams are stale; a
 * replayed current one has an old sequence number.
 */
export class SequenceGuard {
  private readonly lastSeq = new Map<string, number>();
  constructor(private readonly maxAgeMs: number) {}

  accept(key: string, seq: number, sentMs: number, nowMs: number): 'ok' | 'stale' | 'replay' {
    if (Math.abs(nowMs - sentMs) > this.maxAgeMs) return 'stale';
    const last = this.lastSeq.get(key);
    if (last !== undefined && seq <= last) return 'replay';
    this.lastSeq.set(key, seq);
    return 'ok';
  }
}

/** The body of a signed datagram of at most `maxBytes`, or why it was refused. */
export const verifyDatagram = (packet: Buffer, key: Buffer, maxBytes: number): VerifyResult => {
  if (packet.length > maxBytes) return { ok: false, reason: 'oversize' };
  if (packet.length <= MAC_BYTES) return { ok: false, reason: 'malformed' };
  const body = packet.subarray(0, packet.length - MAC_BYTES);
  if (!timingSafeEqual(createHmac('sha256', key).update(body).digest(), packet.subarray(packet.length - MAC_BYTES)))
    return { ok: false, reason: 'auth' };
  return { ok: true, body };
};
