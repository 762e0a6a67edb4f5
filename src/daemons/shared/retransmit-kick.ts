// After a failover a VIP's connections are whole again on the new balancer, but their ends do
// not know it: a TCP sender that lost segments to the dead balancer is in exponential backoff,
// and after an outage of 3.5 s its next retransmission is due at 6.2 s. The kick ends that wait:
// 1. Where is each end? Any segment from it says (its ACK field is exactly the peer's oldest
//    unacknowledged byte), and an out-of-window ACK makes it send one (RFC 793 §3.9).
// 2. ICMP "host unreachable" about that byte: RFC 6069 (Linux: tcp_ld_RTO_revert) takes one
//    backoff step back per such error and retransmits at once when the reverted timeout has
//    already run out. An end that is not backing off, or whose oldest unacknowledged byte is
//    another, ignores it.
// Only the sequence numbers the ends themselves sent are used: the copy stores hold none.
import { systemClock, type Clock } from '../../common/clock.js';
import { randomInt } from 'node:crypto';
import { pollPause } from '../../common/poll-pause.js';
import { hostUnreachable, IP_PROTOCOL, ipv4Packet, nudgePacket } from '../../kernel/ip-packet.js';
import { IpCapture, RawIpSocket } from '../../kernel/raw-ip-socket.js';
import { parseTcpPacket } from '../../kernel/tcp-segment.js';
import type { AccessRow } from './conntrack-rows.js';

interface Endpoint {
  ip: string;
  port: number;
}

/** One connection as its two ends see it: the client talks to the front, the server to the peer. */
export interface KickTarget {
  client: Endpoint;
  front: Endpoint;
  server: Endpoint;
  /** The client as the server sees it: the client itself (dnat) or the inside address (full NAT). */
  peer: Endpoint;
}

export interface KickOutcome {
  connections: number;
  /** Ends whose position was learnt (and that were sent the ICMP errors). */
  clients: number;
  servers: number;
  ms: number;
  /** Where the time went. */
  stagesMs?: KickStages;
}

/**
 * Since the start: every nudge out (-1: not all were), the first and the last answer; the
 * event-loop turns taken, packets captured, and the time spent sending nudges and reading the
 * capture (with the ICMP errors each answer sends: each runs its end's stack inside the send).
 */
export interface KickStages {
  nudged: number;
  firstAnswer?: number;
  lastAnswer?: number;
  turns: number;
  captured: number;
  sendMs: number;
  readMs: number;
}

/** Pure: the TCP rows of an access table as kick targets. */
export const kickTargets = (rows: readonly AccessRow[]): KickTarget[] =>
  rows
    .filter((r) => r.protocol === 'tcp')
    .map((r) => ({
      client: { ip: r.clientIp, port: r.clientPort },
      front: { ip: r.vip, port: r.vipPort },
      server: { ip: r.serverIp, port: r.serverPort },
      peer:
        r.insideIp !== undefined && r.insidePort !== undefined
          ? { ip: r.insideIp, port: r.insidePort }
          : { ip: r.clientIp, port: r.clientPort },
    }));

const key = (from: Endpoint, to: Endpoint) => `${from.ip}:${from.port}>${to.ip}:${to.port}`;

// The nudge lives in the kernel area: the redirector sends it too (to make a client reset itself).
export { nudgePacket };

/** Pure: the ICMP error telling `end` that its segment to `to` starting at `seq` met an unreachable host. */
export const revertPacket = (errorFrom: string, end: Endpoint, to: Endpoint, seq: number): Buffer =>
  ipv4Packet(errorFrom, end.ip, IP_PROTOCOL.icmp, hostUnreachable({ src: end.ip, dst: to.ip, srcPort: end.port, dstPort: to.port, seq }));

/**
 * What a failover's kick uses: how long it waits for the connections' ends to say where they are
 * (100 connections: ≈ 170 ms), and ICMP errors per end (undoing up to that many doublings of its
 * retransmission timeout).
 */
export const FAILOVER_KICK = { waitMs: 500, reverts: 8 } as const;

/** Poll every event-loop turn this long, then every ms (common/poll-pause.ts). */
const SPIN_MS = 10;
/**
 * Nudging per event-loop turn, at most this long. Counted in connections (16 a turn) the nudges
 * of 20 ssh sessions were out only after 100 ms on a loaded host: sending them took 4–7 ms, the
 * rest was the wait for the next turn behind the balancer's other work.
 */
const NUDGE_TURN_MS = 20;

export const kickRetransmissions = async (
  targets: readonly KickTarget[],
  o: {
    /** Source of the ICMP errors to clients (the VIP) and to servers (its inside address). */
    outsideAddress: string;
    insideAddress: string;
    waitMs: number;
    /** ICMP errors per end: one backoff step each. */
    reverts: number;
  },
  clock: Clock = systemClock,
): Promise<KickOutcome> => {
  const started = clock.monotonicMs();
  if (targets.length === 0) return { connections: 0, clients: 0, servers: 0, ms: 0 };
  const capture = new IpCapture();
  const raw = new RawIpSocket();
  try {
    // What each end last said, by the direction it sent in: the ACK field is all we need.
    const wanted = new Map<string, { target: KickTarget; side: 'client' | 'server' }>();
    for (const t of targets) {
      wanted.set(key(t.client, t.front), { target: t, side: 'client' });
      wanted.set(key(t.server, t.peer), { target: t, side: 'server' });
    }
    const answered = new Set<string>();
    let clients = 0;
    let servers = 0;
    const since = () => Math.round((clock.monotonicMs() - started) * 10) / 10;
    const stages: KickStages = { nudged: -1, turns: 0, captured: 0, sendMs: 0, readMs: 0 };
    // Each end's answer is the other end's position: its ICMP errors go out at once, so the
    // first connections retransmit while the last answers are still on their way.
    const onAnswer = (side: 'client' | 'server', t: KickTarget, ack: number) => {
      const icmp =
        side === 'server'
          ? revertPacket(o.outsideAddress, t.client, t.front, ack) // the server acknowledged the client up to `ack`
          : revertPacket(o.insideAddress, t.server, t.peer, ack);
      for (let i = 0; i < o.reverts; i++) raw.send(icmp);
      if (side === 'server') clients++;
      else servers++;
    };
    // Each nudge's answer is computed inside send (the receiving stacks run in its softirq):
    // 0.2–0.3 ms a connection, so they go out in turns of NUDGE_TURN_MS with the event loop free
    // between them — the balancer's next step call (another VIP's failover) must not wait for them all.
    let next = 0;
    const buffer = Buffer.allocUnsafe(65536);
    const deadline = started + o.waitMs;
    while ((next < targets.length || answered.size < wanted.size) && clock.monotonicMs() < deadline) {
      stages.turns++;
      const sendStart = clock.monotonicMs();
      for (; next < targets.length && clock.monotonicMs() - sendStart < NUDGE_TURN_MS; next++) {
        const t = targets[next]!;
        // An end already heard from (its own retransmission passed here) needs no nudge: each
        // nudge costs its end's answer inside the send, and the connection's ICMP errors are out.
        if (!answered.has(key(t.client, t.front))) raw.send(nudgePacket(t.front, t.client, randomInt(2 ** 32)));
        if (!answered.has(key(t.server, t.peer))) raw.send(nudgePacket(t.peer, t.server, randomInt(2 ** 32)));
      }
      stages.sendMs += clock.monotonicMs() - sendStart;
      if (next === targets.length && stages.nudged < 0) stages.nudged = since();
      const readStart = clock.monotonicMs();
      for (let p = capture.receive(buffer); p; p = capture.receive(buffer)) {
        stages.captured++;
        const t = parseTcpPacket(p);
        if (!t || !t.flags.ack || t.flags.rst || t.flags.syn) continue;
        const k = key({ ip: t.src, port: t.srcPort }, { ip: t.dst, port: t.dstPort });
        const w = wanted.get(k);
        if (!w || answered.has(k)) continue;
        answered.add(k);
        onAnswer(w.side, w.target, t.ack);
        stages.firstAnswer ??= since();
        stages.lastAnswer = since();
      }
      stages.readMs += clock.monotonicMs() - readStart;
      if (next < targets.length) await new Promise((r) => setImmediate(r));
      else if (answered.size < wanted.size) await pollPause(started, SPIN_MS, clock);
    }
    return {
      connections: targets.length,
      clients,
      servers,
      ms: Math.round(clock.monotonicMs() - started),
      stagesMs: { ...stages, sendMs: Math.round(stages.sendMs * 10) / 10, readMs: Math.round(stages.readMs * 10) / 10 },
    };
  } finally {
    raw.close();
    // Closing a packet socket waits for an RCU grace period: not while the caller waits.
    setTimeout(() => capture.close(), 50);
  }
};
