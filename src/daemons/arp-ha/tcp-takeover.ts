// Beyond the patent, level 2 — transparent takeover. The new active knows each old connection's
// checkpoint (from heartbeats) but not how far its client got. The client tells it: a segment
// far below its window (the checkpoint's first sequence number − 1 GiB) must be answered with an
// ACK carrying its exact receive point, send point, window and timestamp echo (RFC 793 §3.9). The
// daemon reads that answer on a raw socket while the kernel's reset to it is held (arp-rules.ts
// holdChange), and hands checkpoint + answer to the application, which rebuilds the socket with
// TCP_REPAIR and continues the stream. A client whose connection could not be rebuilt gets a
// valid reset from the numbers it sent, so it reconnects at once instead of stalling.
import { systemClock, type Clock } from '../../common/clock.js';
import { pollPause } from '../../common/poll-pause.js';
import { RawTcpSocket } from '../../kernel/raw-tcp-socket.js';
import { parseTcpPacket } from '../../kernel/tcp-segment.js';
import type { AppLink } from './app-link.js';
import type { TakeoverCheckpoint } from './heartbeat-codec.js';
import { sendSegment } from './fast-fail.js';

export interface ClientAnswer {
  seq: number;
  ack: number;
  window: number;
  tsEcr?: number;
}

export interface TakeoverOutcome {
  /** When the clients were nudged (ms since the epoch). */
  startedAt: number;
  nudged: number;
  answered: number;
  restored: number;
  /** Clients reset because their connection could not be rebuilt (with why). */
  reset: { client: string; why: string }[];
  answerMs: number;
  /** From the first restore request to the last answer (requests overlap the answers still arriving); appMs of it spent rebuilding sockets. */
  restoreMs: number;
  appMs?: number;
}

/** A sequence number the client surely finds outside its window (streams under 3 GiB). */
const FAR_BELOW = 2 ** 30;

/** Answers on a LAN arrive within a millisecond: poll every event-loop turn this long, then every ms. */
const SPIN_MS = 5;

/**
 * Nudges every checkpoint's client and collects the answers that arrive within `waitMs`;
 * `onAnswers` gets each poll's new answers at once, so their restore can start meanwhile.
 */
const collectAnswers = async (
  socket: RawTcpSocket,
  vip: string,
  port: number,
  checkpoints: readonly TakeoverCheckpoint[],
  waitMs: number,
  clock: Clock,
  onAnswers: (fresh: Map<string, ClientAnswer>) => void,
): Promise<Map<string, ClientAnswer>> => {
  const wanted = new Set(checkpoints.map((c) => c.client));
  for (const cp of checkpoints) sendSegment(socket, vip, port, cp.client, cp.firstSeq - FAR_BELOW, { ack: true });
  const answers = new Map<string, ClientAnswer>();
  const buffer = Buffer.allocUnsafe(65536);
  const started = clock.monotonicMs();
  const deadline = started + waitMs;
  while (answers.size < wanted.size && clock.monotonicMs() < deadline) {
    const fresh = new Map<string, ClientAnswer>();
    for (let packet = socket.receive(buffer); packet; packet = socket.receive(buffer)) {
      const t = parseTcpPacket(packet);
      if (!t || t.dst !== vip || t.dstPort !== port || !t.flags.ack || t.flags.rst || t.flags.syn) continue;
      const client = `${t.src}:${t.srcPort}`;
      if (wanted.has(client) && !answers.has(client))
        fresh.set(client, { seq: t.seq, ack: t.ack, window: t.window, ...(t.tsEcr !== undefined ? { tsEcr: t.tsEcr } : {}) });
    }
    for (const [client, answer] of fresh) answers.set(client, answer);
    if (fresh.size > 0) onAnswers(fresh);
    if (answers.size < wanted.size) await pollPause(started, SPIN_MS, clock);
  }
  return answers;
};

type RestoreReply = { results: { client: string; ok: boolean; error?: string }[]; appMs?: number };

/** The application's reason for refusing a restore, as text (its error field is whatever it sent). */
const refusal = (error: unknown): string =>
  typeof error === 'string' ? error : error === undefined ? 'the application refused the restore' : JSON.stringify(error);

/** One restore request to the application; a refusal or a broken link fails every item. */
const requestRestore = async (
  app: AppLink,
  items: { checkpoint: TakeoverCheckpoint; answer: ClientAnswer }[],
  timeoutMs: number,
): Promise<RestoreReply> => {
  try {
    const reply = await app.request({ op: 'restore', conns: items }, timeoutMs);
    const results =
      reply.ok === true && Array.isArray(reply.results)
        ? (reply.results as RestoreReply['results'])
        : items.map((i) => ({ client: i.checkpoint.client, ok: false, error: refusal(reply.error) }));
    return { results, ...(typeof reply.ms === 'number' ? { appMs: reply.ms } : {}) };
  } catch (error) {
    return { results: items.map((i) => ({ client: i.checkpoint.client, ok: false, error: (error as Error).message })) };
  }
};

export interface TakeoverOptions {
  vip: string;
  port: number;
  checkpoints: readonly TakeoverCheckpoint[];
  app: AppLink;
  answerWaitMs: number;
  restoreTimeoutMs: number;
  /** Ends the hold on the kernel's resets; called before our own resets go out (the hold would drop them too). */
  releaseHold: () => Promise<void>;
}

export const takeOverConnections = async (o: TakeoverOptions, clock: Clock = systemClock): Promise<TakeoverOutcome> => {
  const socket = new RawTcpSocket(o.vip);
  try {
    const startedAt = clock.nowMs();
    const t0 = clock.monotonicMs();
    // Each poll's answers go to the application at once (it answers requests in order), so it
    // rebuilds the first connections while the last answers are still on their way.
    const byClient = new Map(o.checkpoints.map((c) => [c.client, c]));
    const replies: Promise<RestoreReply>[] = [];
    let firstRequest: number | undefined;
    const answers = await collectAnswers(socket, o.vip, o.port, o.checkpoints, o.answerWaitMs, clock, (fresh) => {
      firstRequest ??= clock.monotonicMs();
      const items = [...fresh].map(([client, answer]) => ({ checkpoint: byClient.get(client)!, answer }));
      replies.push(requestRestore(o.app, items, o.restoreTimeoutMs));
    });
    const t1 = clock.monotonicMs();
    const reset: TakeoverOutcome['reset'] = [];
    let restored = 0;
    let appMs: number | undefined;
    for (const reply of await Promise.all(replies)) {
      if (reply.appMs !== undefined) appMs = (appMs ?? 0) + reply.appMs;
      for (const r of reply.results) {
        if (r.ok) restored++;
        else reset.push({ client: r.client, why: r.error ?? 'not rebuilt' });
      }
    }
    const restoreMs = Math.round(clock.monotonicMs() - (firstRequest ?? t1));
    await o.releaseHold();
    for (const r of reset) {
      const answer = answers.get(r.client);
      // The exact numbers it sent: RFC 5961 makes a client accept only such a reset.
      if (answer) sendSegment(socket, o.vip, o.port, r.client, answer.ack, { rst: true });
    }
    return {
      startedAt,
      nudged: o.checkpoints.length,
      answered: answers.size,
      restored,
      reset,
      answerMs: Math.round(t1 - t0),
      restoreMs,
      ...(appMs !== undefined ? { appMs } : {}),
    };
  } finally {
    socket.close();
  }
};
