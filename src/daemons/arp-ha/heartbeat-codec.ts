// Heartbeat wire format: a small JSON body followed by HMAC-SHA256(key, body). The body says who
// sends (node, boot id), in which order (seq), when (sentMs) and, per group, the sender's mode
// and rank. Decoding never throws: a bad packet is a typed rejection the daemon counts.
import { SequenceGuard, signDatagram, verifyDatagram, type DatagramOrigin } from '../shared/signed-datagram.js';

export type Mode = 'INITIAL' | 'STANDBY' | 'ACTIVE';

export interface GroupAdvert {
  group: string;
  mode: Mode;
  priority: number;
  mac: string;
  /** False while the node's application check fails: it must not be chosen. */
  eligible: boolean;
}

/**
 * An application's checkpoint of one connection for transparent takeover. The daemon reads only
 * these fields (whom to nudge, and a sequence number surely outside the client's window); the
 * rest belongs to the application and goes back to it unread.
 */
export interface TakeoverCheckpoint {
  client: string;
  server: string;
  firstSeq: number;
  [field: string]: unknown;
}

/** The active's service connections of a group (client "ip:port"), for fast fail and takeover. */
export interface GroupConnections {
  group: string;
  clients: string[];
  /** Takeover checkpoints; with many connections each beat carries a rotating share. */
  tcp?: TakeoverCheckpoint[];
}

export interface Heartbeat extends DatagramOrigin {
  groups: GroupAdvert[];
  /** Only from an ACTIVE node with fast fail on; at most MAX_CONNS_PER_BEAT entries in all. */
  conns?: GroupConnections[];
}

export const MAX_CONNS_PER_BEAT = 250;
/** Checkpoints are ~350 bytes: this many per beat keeps a heartbeat well inside MAX_PACKET. */
export const MAX_CHECKPOINTS_PER_BEAT = 16;

const MAX_PACKET = 8192;

export const encodeHeartbeat = (hb: Heartbeat, key: Buffer): Buffer => {
  return signDatagram(Buffer.from(JSON.stringify(hb), 'utf8'), key);
};

export type DecodeResult = { ok: true; heartbeat: Heartbeat } | { ok: false; reason: 'auth' | 'malformed' | 'oversize' };

const isCheckpoint = (c: unknown): boolean => {
  const x = c as Partial<TakeoverCheckpoint> | null;
  return (
    typeof x === 'object' && x !== null && typeof x.client === 'string' && typeof x.server === 'string' && Number.isInteger(x.firstSeq)
  );
};

const isConns = (c: unknown): boolean =>
  c === undefined ||
  (Array.isArray(c) &&
    c.every(
      (g: unknown) =>
        typeof g === 'object' &&
        g !== null &&
        typeof (g as GroupConnections).group === 'string' &&
        Array.isArray((g as GroupConnections).clients) &&
        (g as GroupConnections).clients.every((x) => typeof x === 'string') &&
        ((g as GroupConnections).tcp === undefined ||
          (Array.isArray((g as GroupConnections).tcp) && (g as GroupConnections).tcp!.every(isCheckpoint))),
    ));

const isMode = (m: unknown): m is Mode => m === 'INITIAL' || m === 'STANDBY' || m === 'ACTIVE';

const isAdvert = (g: unknown): g is GroupAdvert => {
  if (typeof g !== 'object' || g === null) return false;
  const a = g as Record<string, unknown>;
  return (
    typeof a.group === 'string' &&
    isMode(a.mode) &&
    typeof a.priority === 'number' &&
    typeof a.mac === 'string' &&
    typeof a.eligible === 'boolean'
  );
};

export const decodeHeartbeat = (packet: Buffer, key: Buffer): DecodeResult => {
  const verified = verifyDatagram(packet, key, MAX_PACKET);
  if (!verified.ok) return verified;
  let parsed: unknown;
  try {
    parsed = JSON.parse(verified.body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const h = parsed as Record<string, unknown>;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    h.v !== 1 ||
    typeof h.node !== 'string' ||
    typeof h.boot !== 'string' ||
    !Number.isSafeInteger(h.seq) ||
    typeof h.sentMs !== 'number' ||
    !Array.isArray(h.groups) ||
    !h.groups.every(isAdvert) ||
    !isConns(h.conns)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, heartbeat: parsed as Heartbeat };
};

/** Replay protection per (sender, boot, path): see SequenceGuard. */
export class ReplayGuard {
  private readonly guard: SequenceGuard;
  constructor(maxAgeMs = 2000) {
    this.guard = new SequenceGuard(maxAgeMs);
  }

  accept(hb: Heartbeat, path: string, nowMs: number): 'ok' | 'stale' | 'replay' {
    return this.guard.accept(`${hb.node}\0${hb.boot}\0${path}`, hb.seq, hb.sentMs, nowMs);
  }
}
