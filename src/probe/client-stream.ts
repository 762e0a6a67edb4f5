// One client stream across its connections: connect, follow what the connection reports,
// handle stalls, and reconnect with backoff to resume at the next offset (or, without
// reconnects, fail: a broken stream or a failed handshake). What the stream achieved is kept by
// StreamProgress.
import { systemClock, type Clock } from '../common/clock.js';
import { ArrivalStamp } from './arrival-stamp.js';
import { ClientConnection, type ConnectionOwner } from './client-connection.js';
import type { Emit } from './events.js';
import { decodeAck, encodeHello, encodePong, FrameType, type ControlFrame } from './frames.js';
import { PatternSender, type Pacer } from './pattern-sender.js';
import type { Direction, FourTuple, StreamSummary } from './probe-report.js';
import { StreamProgress } from './stream-progress.js';
import { backoffMs } from './timing.js';

export interface ClientStreamConfig {
  host: string;
  port: number;
  localAddress?: string;
  stream: number;
  direction: Direction;
  rate: number;
  stallMs: number;
  pingTimeoutMs: number;
  gapThresholdMs: number;
  /** The client's pacer period for all its streams (pacerTickMs of the stream count). */
  pacerTickMs: number;
  reconnect: boolean;
  connectTimeoutMs: number;
  /** The wait after the first failed reconnect try (doubling after each further one). */
  reconnectBackoffMs: number;
  /** Wall-clock ms when the run ends: no reconnect is scheduled past it. */
  deadline: number;
}

const DIRECTION_CODE = { s2c: 1, c2s: 2, echo: 3 } as const;
/** On stop, the server gets this long to see our FIN before the socket is destroyed. */
const LINGER_MS = 200;

export class ClientStream implements ConnectionOwner {
  private readonly progress: StreamProgress;
  private conn: ClientConnection | undefined;
  private readonly connections: FourTuple[] = [];
  private readonly counts = { resets: 0, eofs: 0, timeouts: 0, connectErrors: 0, handshakeFailures: 0 };
  private attempt = 0;
  private failReason: string | undefined;
  private stopped = false;
  private stalled = false;
  /** When the bytes being decoded arrived (the current read's date). */
  private readAt: number | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cfg: ClientStreamConfig,
    private readonly pacer: Pacer,
    private readonly emit: Emit,
    private readonly clock: Clock = systemClock,
    /** Shared by all of a client's streams: one date per wake-up of the event loop. */
    private readonly arrival: ArrivalStamp = new ArrivalStamp(clock),
    /** This stream's silence is ending at `now` (the wake-up's date): the client looks for others' waiting data. */
    private readonly silenceEnding: (now: number) => void = () => {},
  ) {
    // An echo comes back at the pace we send it: our pacer's tick, not a server's.
    this.progress = new StreamProgress(
      cfg.stream,
      cfg.direction,
      cfg.rate,
      cfg.gapThresholdMs,
      emit,
      cfg.direction === 'echo' ? cfg.pacerTickMs : undefined,
      () => this.readAt ?? arrival.now(),
    );
  }

  get id(): number {
    return this.cfg.stream;
  }

  get offset(): number {
    return this.progress.offset;
  }

  start(): void {
    this.connect();
  }

  /** Called periodically by the client's one timer for all streams. */
  check(now: number): void {
    const c = this.conn;
    const liveness = c?.check(now, this.cfg.stallMs, this.cfg.pingTimeoutMs, this.cfg.stream, this.offset);
    if (!c || liveness === 'ok') return;
    if (liveness === 'pinged') {
      if (!this.stalled) this.emit(this.cfg.stream, { event: 'stall', offset: this.offset, silentMs: c.silentMs(now) });
      this.stalled = true;
      return;
    }
    this.counts.timeouts++;
    this.emit(this.cfg.stream, { event: 'timeout', tuple: c.tuple, offset: this.offset, kind: 'stall' });
    c.close('stall');
  }

  /** Ends the stream for this run; the summary is final afterwards. */
  stop(now: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.progress.finish(now);
    // The connection's counters stay open while it lingers: the server's last ACK may still come.
    const closing = this.conn?.stop(LINGER_MS) ?? Promise.resolve();
    return closing.then(() => this.progress.connectionClosed());
  }

  summary(): StreamSummary {
    return {
      stream: this.cfg.stream,
      direction: this.cfg.direction,
      connections: [...this.connections],
      ...this.counts,
      reconnects: Math.max(0, this.connections.length - 1),
      ...this.progress.figures(),
      failed: this.failReason !== undefined,
      ...(this.failReason === undefined ? {} : { failReason: this.failReason }),
    };
  }

  // ConnectionOwner: what the current connection reports.

  arriving(queuedAt?: number): void {
    const now = this.arrival.now();
    this.readAt = queuedAt ?? now;
    if (this.progress.silentAt(this.readAt)) this.silenceEnding(now);
  }

  /**
   * If this stream is silent and its connection has bytes waiting at `now`, they are dated `now`
   * when read. Another stream's silence just ended, and the same outage usually ends for all at
   * once: its data reached every socket within a millisecond, but the event loop reads a socket
   * only once it comes back to epoll, which can take a busy turn (6–12 ms measured) longer.
   */
  markQueued(now: number): void {
    if (this.conn?.established && this.progress.silentAt(now)) this.conn.markQueued(now);
  }

  welcome(c: ClientConnection, f: ControlFrame): void {
    this.attempt = 0;
    if (c.tuple) {
      this.connections.push(c.tuple);
      this.emit(this.cfg.stream, { event: 'established', tuple: c.tuple, offset: f.offset, hadState: f.payload[0] === 1 });
    }
    this.progress.welcome(f.offset);
    if (this.cfg.direction !== 's2c') {
      c.sender = new PatternSender(c.socket, this.cfg.stream, f.offset, this.cfg.rate, this.pacer);
      c.sender.start();
    }
  }

  control(c: ClientConnection, f: ControlFrame): void {
    if (this.stopped) {
      if (f.type === FrameType.Ack || f.type === FrameType.Pong) this.progress.lateCounters(decodeAck(f.payload));
    } else if (f.type === FrameType.Ack || f.type === FrameType.Pong) {
      if (f.type === FrameType.Pong) c.heard(this.clock.nowMs());
      if (this.progress.ack(f.offset, decodeAck(f.payload))) this.heard(c);
    } else if (f.type === FrameType.Ping) {
      // An echo server returns our own PING: it is the answer.
      if (this.cfg.direction === 'echo') c.heard(this.clock.nowMs());
      else c.socket.write(encodePong(this.cfg.stream, this.offset));
    }
  }

  data(stream: number, offset: number, piece: Buffer): void {
    if (this.conn && !this.stopped && this.progress.data(stream, offset, piece)) this.heard(this.conn);
  }

  garbage(bytes: number): void {
    if (!this.stopped) this.progress.garbage(bytes);
  }

  connectTimeout(c: ClientConnection): void {
    this.counts.timeouts++;
    this.emit(this.cfg.stream, { event: 'timeout', tuple: c.tuple, offset: this.offset, kind: 'connect' });
    c.close('connect-timeout');
  }

  closed(c: ClientConnection): void {
    if (c !== this.conn || c.closedBy === 'stop') return;
    this.conn = undefined;
    this.progress.connectionClosed();
    const offset = this.offset;
    const handshakeError =
      c.closedBy === 'handshake'
        ? c.handshakeError
        : !c.established && c.tuple && c.closedBy === undefined
          ? `closed before WELCOME: ${c.error ?? 'EOF'}`
          : undefined;
    if (handshakeError !== undefined) {
      this.counts.handshakeFailures++;
      this.emit(this.cfg.stream, { event: 'handshake-failed', tuple: c.tuple, offset, reason: handshakeError });
    } else if (c.closedBy === undefined) {
      if (!c.established) {
        this.counts.connectErrors++;
        this.emit(this.cfg.stream, { event: 'reset', tuple: c.tuple, offset, error: c.error ?? 'EOF', duringConnect: true });
      } else if (c.error !== undefined) {
        this.counts.resets++;
        this.emit(this.cfg.stream, { event: 'reset', tuple: c.tuple, offset, error: c.error });
      } else {
        this.counts.eofs++;
        this.emit(this.cfg.stream, { event: 'eof', tuple: c.tuple, offset });
      }
    }
    // Without reconnects breaking an established stream or its handshake is fatal: a server that
    // is not listening yet when the run starts is a race, not a failure of the mechanism under test.
    if (!this.cfg.reconnect && (c.established || handshakeError !== undefined)) {
      this.failReason =
        handshakeError !== undefined
          ? `handshake: ${handshakeError}`
          : (c.closedBy ?? (c.error !== undefined ? `reset: ${c.error}` : 'eof'));
      this.emit(this.cfg.stream, { event: 'failed', offset, reason: this.failReason });
      return;
    }
    const delay = backoffMs(this.attempt, Math.random, this.cfg.reconnectBackoffMs);
    if (!this.stopped && this.clock.nowMs() + delay < this.cfg.deadline) this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private connect(): void {
    if (this.stopped) return;
    this.attempt++;
    this.emit(this.cfg.stream, { event: 'connecting', attempt: this.attempt, offset: this.offset });
    const hello = encodeHello(this.cfg.stream, this.offset, {
      direction: DIRECTION_CODE[this.cfg.direction],
      rate: this.cfg.rate,
      fresh: this.connections.length === 0,
    });
    this.conn = new ClientConnection(
      this.cfg,
      hello,
      { stream: this.cfg.stream, offset: this.offset, offsetIsOurs: this.cfg.direction !== 'c2s' },
      this,
      this.clock,
    );
  }

  /** The stream advanced: the connection is alive and any stall is over. */
  private heard(c: ClientConnection): void {
    c.heard(this.clock.nowMs());
    this.stalled = false;
  }
}
