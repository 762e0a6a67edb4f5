// One connection of a client stream: connect with a timeout, say HELLO, check the handshake
// (an intact WELCOME for our stream and offset, nothing before it), decode what comes back, and
// track liveness (when we last heard from the peer, whether a PING is out). The stream
// (client-stream.ts) decides what the frames mean and what to do when it ends.
import net from 'node:net';
import { systemClock, type Clock } from '../common/clock.js';
import { readableBytes } from '../kernel/socket-queue.js';
import { errorCode, tupleOf } from './events.js';
import { FrameDecoder, type FrameSink } from './frame-decoder.js';
import { decodeReject, encodePing, FrameType, HEADER_BYTES, type ControlFrame } from './frames.js';
import type { PatternSender } from './pattern-sender.js';
import type { FourTuple } from './probe-report.js';

export type CloseCause = 'stall' | 'connect-timeout' | 'handshake' | 'stop';

export interface ConnectionOwner {
  /**
   * Bytes were read, before anything decodes them: the moment to date their arrival — or
   * `queuedAt`, when the client saw them waiting in the kernel's queue earlier (markQueued).
   */
  arriving(queuedAt?: number): void;
  welcome(conn: ClientConnection, frame: ControlFrame): void;
  control(conn: ClientConnection, frame: ControlFrame): void;
  data: FrameSink['data'];
  garbage: FrameSink['garbage'];
  connectTimeout(conn: ClientConnection): void;
  closed(conn: ClientConnection): void;
}

export interface ConnectionTarget {
  host: string;
  port: number;
  localAddress?: string;
  connectTimeoutMs: number;
}

/** What the WELCOME must say: our stream, and (s2c, echo) the offset we asked for. */
export interface HandshakeExpectation {
  stream: number;
  offset: number;
  offsetIsOurs: boolean;
}

export type Liveness = 'ok' | 'pinged' | 'dead';

/**
 * One receive buffer for every client socket of the process (onread): reads land in it without
 * an allocation or a stream 'data' event each, which is most of the cost of 1,000 paced
 * streams. Safe to share because decoding is synchronous and no view into it outlives the
 * callback (the decoder copies what it carries over, the verifier compares in place).
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class ClientConnection {
  readonly socket: net.Socket;
  tuple: FourTuple | undefined;
  established = false;
  /** Why we closed it ourselves; undefined while the peer or the network is to blame. */
  closedBy: CloseCause | undefined;
  /** The socket error (ECONNRESET, ...) if the connection ended with one. */
  error: string | undefined;
  /** Why the handshake failed, when closedBy is 'handshake'. */
  handshakeError: string | undefined;
  sender: PatternSender | undefined;
  private readonly decoder: FrameDecoder;
  private readonly timer: NodeJS.Timeout;
  private lastHeard: number;
  private pingAt: number | undefined;

  constructor(
    target: ConnectionTarget,
    hello: Buffer,
    private readonly expect: HandshakeExpectation,
    private readonly owner: ConnectionOwner,
    private readonly clock: Clock = systemClock,
  ) {
    this.lastHeard = clock.nowMs();
    this.decoder = new FrameDecoder({
      control: (f) => {
        if (!this.established) this.beforeWelcome(f);
        else if (f.stream !== expect.stream) owner.garbage(HEADER_BYTES + f.payload.length);
        else owner.control(this, f);
      },
      data: (stream, offset, piece) => (this.established ? owner.data(stream, offset, piece) : this.handshakeFailed('DATA before WELCOME')),
      garbage: (bytes) => (this.established ? owner.garbage(bytes) : this.handshakeFailed('corrupt bytes before WELCOME')),
    });
    // The timeout covers the handshake too: a server that accepts but never welcomes is not up.
    this.timer = setTimeout(() => {
      if (this.tuple) this.handshakeFailed(`no WELCOME within ${target.connectTimeoutMs} ms`);
      else owner.connectTimeout(this);
    }, target.connectTimeoutMs);
    this.socket = net.connect({
      host: target.host,
      port: target.port,
      localAddress: target.localAddress,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          owner.arriving(this.queuedAt);
          this.queuedAt = undefined;
          this.decoder.push(Buffer.from(buf.buffer, buf.byteOffset, n));
          return true;
        },
      },
    });
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => {
      this.tuple = tupleOf(this.socket);
      this.socket.write(hello);
    });
    this.socket.on('error', (err) => {
      this.error ??= errorCode(err);
    });
    this.socket.on('close', () => {
      clearTimeout(this.timer);
      this.decoder.end();
      this.decoder.close();
      this.sender?.stop();
      owner.closed(this);
    });
  }

  /** When bytes not yet read were first seen waiting in the kernel's queue (markQueued). */
  private queuedAt: number | undefined;

  /**
   * Notes that bytes were waiting to be read at `now`, if they were: their read, maybe a turn of
   * the event loop later, is dated `now`.
   */
  markQueued(now: number): void {
    if (this.queuedAt === undefined && (readableBytes(this.socket) ?? 0) > 0) this.queuedAt = now;
  }

  /** The peer showed it is alive (data, ACK progress or PONG). */
  heard(now: number): void {
    this.lastHeard = now;
    this.pingAt = undefined;
  }

  /** Silent for stallMs → PING (once per silence); no answer within pingTimeoutMs → dead. */
  check(now: number, stallMs: number, pingTimeoutMs: number, stream: number, offset: number): Liveness {
    if (!this.established || this.closedBy) return 'ok';
    if (this.pingAt !== undefined) return now - this.pingAt >= pingTimeoutMs ? 'dead' : 'ok';
    if (now - this.lastHeard < stallMs) return 'ok';
    this.pingAt = now;
    this.socket.write(encodePing(stream, offset));
    return 'pinged';
  }

  silentMs(now: number): number {
    return now - this.lastHeard;
  }

  close(cause: Exclude<CloseCause, 'stop' | 'handshake'>): void {
    this.closedBy = cause;
    this.socket.destroy();
  }

  /** Ends it for good at the end of a run: FIN first, so the server logs an EOF, not a reset. */
  stop(lingerMs: number): Promise<void> {
    this.closedBy = 'stop';
    // Decoding goes on while we linger: a c2s server answers our FIN with its last ACK.
    this.sender?.stop();
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), lingerMs).unref();
    });
  }

  private beforeWelcome(f: ControlFrame): void {
    const wrong =
      f.type === FrameType.Reject
        ? `server rejected the HELLO: ${decodeReject(f.payload)}`
        : f.type !== FrameType.Welcome
          ? `frame type ${f.type} before WELCOME`
          : f.stream !== this.expect.stream
            ? `WELCOME for stream ${f.stream}`
            : this.expect.offsetIsOurs && f.offset !== this.expect.offset
              ? `WELCOME at offset ${f.offset}, asked ${this.expect.offset}`
              : undefined;
    if (wrong === undefined) this.onWelcome(f);
    else this.handshakeFailed(wrong);
  }

  /** Not a stream: the owner counts it, and without reconnects the stream fails. */
  private handshakeFailed(reason: string): void {
    if (this.closedBy) return;
    this.closedBy = 'handshake';
    this.handshakeError = reason;
    this.decoder.close();
    this.socket.destroy();
  }

  private onWelcome(f: ControlFrame): void {
    clearTimeout(this.timer);
    this.established = true;
    this.lastHeard = this.clock.nowMs();
    this.tuple ??= tupleOf(this.socket);
    this.owner.welcome(this, f);
  }
}
