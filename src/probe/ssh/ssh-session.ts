// One SSH session of the `ssh` workload, seen as a probe stream: the same events (connecting,
// established, reset, eof, timeout, gap, lost/corrupt, failed) and the same summary, so the
// orchestrator's checks apply unchanged. There is no reconnect: a new SSH session is not the
// same session. SSH's MAC turns any corruption on the wire into a closed session; that end is
// named as such (`failReason`, `sshEnd: 'integrity'`), not counted as a TCP reset.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Client } from 'ssh2';
import { systemClock, type Clock } from '../../common/clock.js';
import { MAX_SLICE } from '../byte-pattern.js';
import type { Emit, EventBody } from '../events.js';
import { tupleOf } from '../events.js';
import { GapTracker } from '../gap-tracker.js';
import type { FourTuple, StreamSummary } from '../probe-report.js';
import { StreamProgress } from '../stream-progress.js';
import { runMode, type SshMode } from './ssh-modes.js';

export interface SshSessionConfig {
  stream: number;
  host: string;
  port: number;
  username: string;
  privateKey: Buffer;
  mode: SshMode;
  /** Bytes/s (0: unlimited). */
  rate: number;
  durationMs: number;
  stallMs: number;
  gapThresholdMs: number;
  /** 0: off. */
  keepaliveMs: number;
  fileSize: number;
  sourceCommand: string;
  connectTimeoutMs: number;
}

/** How a session ended. */
export type SshEnd = 'completed' | 'reset' | 'integrity' | 'eof' | 'stall' | 'connect-failed' | 'protocol' | 'failed';

type SshError = Error & { code?: string; level?: string };

/** SSH integrity failures (a MAC, an AEAD tag or a length that does not check out): ssh2's messages, JS and native. */
const INTEGRITY = /invalid mac|unable to authenticate data|bad packet length|invalid packet length|invalid padding/i;

/** Pure: what an ssh2 error means for the session (exported for the unit tests). */
export const classifySshError = (e: SshError, ready: boolean): { end: SshEnd; reason: string } => {
  // The native AES-GCM binding throws a bare OpenSSL error ("error:00000000:lib(0)::reason(0)"):
  // where it was thrown (a decipher's decrypt) is what says it was an integrity failure.
  if (INTEGRITY.test(e.message) || /Decipher\w*\.decrypt/.test(e.stack ?? ''))
    return { end: 'integrity', reason: `SSH integrity check failed (${e.message}): a corrupted packet closed the session` };
  if (!ready) return { end: 'connect-failed', reason: `no SSH session: ${e.code ?? e.message}` };
  if (e.level === 'client-socket') return { end: 'reset', reason: e.code ?? e.message };
  if (e.level === 'client-timeout') return { end: 'stall', reason: e.message };
  return { end: 'protocol', reason: `SSH ${e.level ?? 'error'}: ${e.message}` };
};

export class SshSession {
  private readonly progress: StreamProgress;
  private readonly gaps: GapTracker;
  private readonly conn = new Client();
  private tuple: FourTuple | undefined;
  private received = 0;
  private lastProgress = 0;
  private ready = false;
  private end: SshEnd | undefined;
  private reason: string | undefined;
  private readonly counts = { resets: 0, eofs: 0, timeouts: 0, connectErrors: 0 };
  private readonly notes: Record<string, number | string | boolean> = {};
  private stallTimer: NodeJS.Timeout | undefined;
  private resolve!: () => void;
  readonly done = new Promise<void>((r) => (this.resolve = r));

  constructor(
    private readonly cfg: SshSessionConfig,
    private readonly emit: Emit,
    private readonly clock: Clock = systemClock,
  ) {
    // Gaps come from this session's own tracker (sftp makes progress by uploads too), not the verifier's.
    const verifierEmit: Emit = (stream, body) => body.event !== 'gap' && emit(stream, body);
    this.progress = new StreamProgress(cfg.stream, 's2c', cfg.rate, cfg.gapThresholdMs, verifierEmit, undefined, () => clock.nowMs());
    this.gaps = new GapTracker(cfg.gapThresholdMs);
  }

  private event(body: EventBody): void {
    this.emit(this.cfg.stream, body);
  }

  start(): Promise<void> {
    const { cfg } = this;
    this.event({ event: 'connecting', attempt: 1, offset: 0 });
    const sock = net.connect({ host: cfg.host, port: cfg.port });
    sock.setNoDelay(true);
    this.conn.on('ready', () => this.onReady(sock));
    this.conn.on('error', (e: SshError) => this.onError(e));
    this.conn.on('close', () => this.onClose());
    this.conn.connect({
      sock,
      username: cfg.username,
      privateKey: cfg.privateKey,
      keepaliveInterval: cfg.keepaliveMs,
      readyTimeout: cfg.connectTimeoutMs,
      // Host keys are made per node at start (a standby has its own); the one seen is recorded instead.
      hostVerifier: (key: Buffer) => {
        this.notes.hostKeySha256 = createHash('sha256').update(key).digest('base64');
        return true;
      },
    });
    return this.done;
  }

  private onReady(sock: net.Socket): void {
    this.ready = true;
    this.tuple = tupleOf(sock);
    this.event({ event: 'established', tuple: this.tuple!, offset: 0 });
    this.lastProgress = this.clock.monotonicMs();
    this.stallTimer = setInterval(() => this.checkStall(), Math.min(250, this.cfg.stallMs / 4));
    runMode(this.cfg.mode, this.conn, {
      stream: this.cfg.stream,
      rate: this.cfg.rate,
      durationMs: this.cfg.durationMs,
      fileSize: this.cfg.fileSize,
      sourceCommand: this.cfg.sourceCommand,
      now: () => this.clock.monotonicMs(),
      received: (chunk) => this.onBytes(chunk),
      progressed: () => this.onProgress(),
      finished: (failure) => this.finish(failure === undefined ? 'completed' : 'failed', failure),
      note: (key, value) => (this.notes[key] = value),
    });
  }

  private onBytes(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; at += MAX_SLICE) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + MAX_SLICE));
      this.progress.data(this.cfg.stream, this.received, piece);
      this.received += piece.length;
    }
    this.onProgress();
  }

  private onProgress(): void {
    this.lastProgress = this.clock.monotonicMs();
    const gap = this.gaps.arrival(this.clock.nowMs());
    if (gap) this.event({ event: 'gap', ...gap, offset: this.received });
  }

  private checkStall(): void {
    const silent = this.clock.monotonicMs() - this.lastProgress;
    if (silent < this.cfg.stallMs || this.end !== undefined) return;
    this.counts.timeouts++;
    this.event({ event: 'timeout', ...(this.tuple ? { tuple: this.tuple } : {}), offset: this.received, kind: 'stall' });
    this.finish('stall', `no byte for ${Math.round(silent)} ms: session given up`);
  }

  private onError(e: SshError): void {
    if (this.end !== undefined) return;
    const { end, reason } = classifySshError(e, this.ready);
    const at = { ...(this.tuple ? { tuple: this.tuple } : {}), offset: this.received };
    if (end === 'reset') this.counts.resets++;
    if (end === 'connect-failed') this.counts.connectErrors++;
    if (end === 'reset' || end === 'connect-failed')
      this.event({ event: 'reset', ...at, error: reason, ...(end === 'connect-failed' ? { duringConnect: true } : {}) });
    if (end === 'stall') {
      this.counts.timeouts++;
      this.event({ event: 'timeout', ...at, kind: 'stall' });
    }
    this.finish(end, reason);
  }

  private onClose(): void {
    if (this.end !== undefined) return this.resolve();
    // The connection closed with no error and the mode unfinished: the server (or a middlebox) ended it.
    this.counts.eofs++;
    this.event({ event: 'eof', ...(this.tuple ? { tuple: this.tuple } : {}), offset: this.received });
    this.finish('eof', 'the SSH connection closed before the session completed');
  }

  private finish(end: SshEnd, reason?: string): void {
    if (this.end !== undefined) return;
    this.end = end;
    this.reason = reason;
    clearInterval(this.stallTimer);
    // The session's silence ends here, not when the slowest of its siblings ends.
    const gap = this.gaps.finish(this.clock.nowMs());
    if (gap) this.event({ event: 'gap', ...gap, offset: this.received });
    if (end !== 'completed') this.event({ event: 'failed', offset: this.received, reason: reason ?? end });
    this.conn.end();
    // A connection that will not close by itself (a dead path) is not waited for.
    setTimeout(() => {
      this.conn.destroy();
      this.resolve();
    }, 1000).unref();
  }

  summary(): StreamSummary & { ssh: Record<string, number | string | boolean> } {
    if (this.end === undefined) this.finish('failed', 'stopped before the session ended');
    const f = this.progress.figures();
    const failed = this.end !== 'completed';
    return {
      stream: this.cfg.stream,
      direction: this.cfg.mode === 'stream' ? 's2c' : 'echo',
      connections: this.tuple ? [this.tuple] : [],
      ...f,
      gaps: [...this.gaps.gaps],
      maxGapMs: this.gaps.maxGapMs,
      ...this.counts,
      reconnects: 0,
      failed,
      ...(failed ? { failReason: this.reason ?? this.end ?? 'did not end' } : {}),
      ssh: { mode: this.cfg.mode, end: this.end ?? 'unfinished', ...this.notes },
    };
  }
}
