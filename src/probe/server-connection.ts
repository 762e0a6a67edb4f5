// One accepted connection on the probe server: waits for HELLO, answers WELCOME with the offset
// the stream continues from (or REJECT when the connection does not start with an intact HELLO),
// then serves its direction — sends the pattern (s2c), verifies and acknowledges (c2s), or
// returns every byte after the HELLO exactly as it came (echo: nothing is re-framed, so the
// client's verifier judges both legs and no damage is repaired on the way).
import type { Socket } from 'node:net';
import type { Clock } from '../common/clock.js';
import { C2sReceiver } from './c2s-receiver.js';
import { errorCode, tupleOf, type Emit } from './events.js';
import { FrameDecoder } from './frame-decoder.js';
import { decodeHello, encodePong, encodeReject, encodeWelcome, FrameType, type ControlFrame } from './frames.js';
import { PatternSender, type Pacer } from './pattern-sender.js';
import type { Direction, FourTuple } from './probe-report.js';
import { S2cLayout } from './s2c-layout.js';
import type { StateStore } from './server-state.js';
import { layoutOf, type S2cCheckpoint, type TakeOver } from './takeover.js';

/** A connection that says nothing this long after connecting is dropped. */
const HELLO_TIMEOUT_MS = 10_000;

const DIRECTION_OF = { 1: 's2c', 2: 'c2s', 3: 'echo' } as const;

export interface ConnectionHost {
  readonly clock: Clock;
  readonly pacer: Pacer;
  readonly state: StateStore;
  readonly emit: Emit;
  /** This connection now carries `stream`: the host drops any older connection of the stream. */
  claim(stream: number, conn: ServerConnection): void;
  closed(conn: ServerConnection): void;
  /** The connection's replicable state changed (s2c streams of a server with takeover on). */
  checkpointChanged(): void;
}

/** What takeover needs from the kernel at accept time: the first byte's sequence number and the options. */
export type AcceptPeek = Omit<S2cCheckpoint, 'client' | 'server' | 'stream' | 'start' | 'rate' | 'insertions'>;

export class ServerConnection {
  stream: number | undefined;
  direction: Direction | undefined;
  private tuple: FourTuple | undefined;
  private readonly decoder: FrameDecoder;
  private sender: PatternSender | undefined;
  private layout: S2cLayout | undefined;
  private rate = 0;
  private receiver: C2sReceiver | undefined;
  private echoOffset = 0;
  private error: string | undefined;
  /** Set when we (not the peer) end the connection: no eof/reset event then. */
  private dropped = false;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly peek?: AcceptPeek,
    resume?: TakeOver,
  ) {
    socket.setNoDelay(true);
    this.decoder = new FrameDecoder({
      control: (f) => this.onControl(f),
      data: (stream, offset, piece) => {
        if (this.receiver) this.receiver.data(stream, offset, piece);
        else if (this.direction === 'echo') this.echoOffset = Math.max(this.echoOffset, offset + piece.length);
        else if (this.stream === undefined) this.reject('DATA before HELLO');
      },
      garbage: (bytes) => {
        if (this.receiver) this.receiver.garbage(bytes);
        else if (this.stream === undefined) this.reject('corrupt bytes before HELLO');
      },
    });
    this.helloTimer = setTimeout(() => this.drop(), HELLO_TIMEOUT_MS);
    if (resume) this.resume(resume);
    socket.on('data', (chunk: Buffer) => {
      if (this.direction === 'echo') this.echo(chunk);
      this.decoder.push(chunk);
      this.afterChunk();
    });
    // The server is created with allowHalfOpen: the client's FIN is answered with a last ACK (c2s), then ours.
    socket.on('end', () => {
      this.decoder.end();
      if (this.stream === undefined && !this.dropped) this.reject('no complete HELLO before the end');
      if (this.receiver && !this.socket.destroyed) this.socket.write(this.receiver.finalAck());
      this.socket.end();
    });
    socket.on('error', (err) => {
      this.error ??= errorCode(err);
    });
    socket.on('close', () => this.onClose());
  }

  /** Ends the connection without reporting it as the peer's doing. */
  drop(): void {
    this.dropped = true;
    this.socket.destroy();
  }

  /** The stream's offset on this connection: sent, received in order, or echoed. */
  get offset(): number {
    return this.sender?.offset ?? this.receiver?.offset ?? this.echoOffset;
  }

  /** Called by the host's ACK timer. */
  flushAck(now: number): void {
    const ack = this.receiver?.ackDue(now);
    if (ack && !this.socket.destroyed) this.socket.write(ack);
  }

  private onControl(frame: ControlFrame): void {
    if (this.stream === undefined) {
      if (frame.type === FrameType.Hello) this.onHello(frame);
      else this.reject(`frame type ${frame.type} before HELLO`);
    } else if (frame.type === FrameType.Ping && this.direction !== 'echo') {
      const pong = this.receiver?.pong() ?? encodePong(this.stream, this.offset);
      if (this.sender && this.layout) {
        this.sender.control(pong);
        this.host.checkpointChanged();
      } else this.socket.write(pong);
    }
  }

  /** The connection did not start with an intact HELLO: say so and close (the client counts a failed handshake). */
  private reject(reason: string): void {
    if (this.dropped) return;
    clearTimeout(this.helloTimer);
    this.decoder.close();
    this.host.emit(0, { event: 'handshake-failed', tuple: tupleOf(this.socket), offset: 0, reason });
    this.dropped = true;
    this.socket.end(encodeReject(0, reason));
  }

  /** The replicable state of an s2c stream (undefined for others, or before HELLO, or without a peek). */
  checkpoint(): S2cCheckpoint | undefined {
    if (!this.peek || !this.layout || !this.tuple || this.stream === undefined) return undefined;
    return {
      client: `${this.tuple.remoteAddress}:${this.tuple.remotePort}`,
      server: `${this.tuple.localAddress}:${this.tuple.localPort}`,
      stream: this.stream,
      start: this.layout.start,
      rate: this.rate,
      insertions: this.layout.insertions.map((i) => ({ at: i.at, hex: i.bytes.toString('hex') })),
      ...this.peek,
    };
  }

  /** Continues a stream another server was sending, from the byte the client is waiting for. */
  private resume(t: TakeOver): void {
    clearTimeout(this.helloTimer);
    const cp = t.checkpoint;
    this.host.claim(cp.stream, this);
    this.stream = cp.stream;
    this.direction = 's2c';
    this.rate = cp.rate;
    this.layout = t.layout ?? layoutOf(cp);
    const point = this.layout.locate(t.position);
    // The rest of an insertion and the first tick's data in one segment: the client is waiting.
    this.socket.cork();
    if (point.head.length > 0) this.socket.write(point.head);
    this.tuple = tupleOf(this.socket);
    this.sender = new PatternSender(
      this.socket,
      cp.stream,
      cp.start,
      cp.rate,
      this.host.pacer,
      (offset) => this.host.state.record(cp.stream, 's2c', offset),
      this.layout,
      point.grid,
    );
    this.host.state.record(cp.stream, 's2c', this.sender.offset);
    this.sender.start(true);
    this.socket.uncork();
    this.host.emit(cp.stream, { event: 'taken-over', tuple: this.tuple, offset: this.sender.offset });
  }

  private onHello(frame: ControlFrame): void {
    const hello = decodeHello(frame.payload);
    if (!hello) {
      this.reject('HELLO with an unknown direction');
      return;
    }
    clearTimeout(this.helloTimer);
    const stream = frame.stream;
    const direction = DIRECTION_OF[hello.direction];
    this.host.claim(stream, this);
    this.stream = stream;
    this.direction = direction;
    // State left by an earlier run (or another direction) under this id is not this stream's.
    const stored = this.host.state.get(stream);
    const known = stored && !hello.fresh && stored.direction === direction ? stored : undefined;
    // The client verifies s2c and echo, so it says where to resume; for c2s we verified, so
    // our received offset wins — unless we have no state (restarted), then the client's.
    const start = direction === 'c2s' && known ? known.offset : frame.offset;
    this.host.state.record(stream, direction, start);
    const welcome = encodeWelcome(stream, start, known !== undefined);
    this.socket.write(welcome);
    this.tuple = tupleOf(this.socket);
    if (this.tuple) this.host.emit(stream, { event: 'established', tuple: this.tuple, offset: start, hadState: known !== undefined });
    if (direction === 's2c') {
      // The WELCOME is the layout's first insertion: the byte stream from the connection's
      // first server byte is then a function of (stream, start, insertions).
      this.layout = new S2cLayout(stream, start, [{ at: 0, bytes: welcome }]);
      this.rate = hello.rate;
      this.sender = new PatternSender(
        this.socket,
        stream,
        start,
        hello.rate,
        this.host.pacer,
        (offset) => this.host.state.record(stream, 's2c', offset),
        this.layout,
      );
      this.sender.start();
      this.host.checkpointChanged();
    } else if (direction === 'c2s') {
      this.receiver = new C2sReceiver(stream, start, this.host.emit, this.host.clock);
    } else {
      this.echoOffset = start;
      // Whatever came with the HELLO goes back as it came, like every later chunk.
      this.echo(this.decoder.restAfterFrame());
    }
  }

  private echo(bytes: Buffer): void {
    if (bytes.length === 0 || this.socket.destroyed) return;
    // A slow reader stops us reading.
    if (!this.socket.write(bytes)) {
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }

  private afterChunk(): void {
    if (this.stream === undefined) return;
    if (this.receiver) {
      this.host.state.record(this.stream, 'c2s', this.receiver.offset);
      this.flushAck(this.host.clock.nowMs());
    } else if (this.direction === 'echo') {
      this.host.state.record(this.stream, 'echo', this.echoOffset);
    }
  }

  private onClose(): void {
    clearTimeout(this.helloTimer);
    this.decoder.close();
    this.sender?.stop();
    this.host.closed(this);
    if (this.layout) this.host.checkpointChanged();
    const stream = this.stream;
    if (stream === undefined || this.dropped) return;
    const offset = this.offset;
    if (this.error !== undefined) this.host.emit(stream, { event: 'reset', tuple: this.tuple, offset, error: this.error });
    else this.host.emit(stream, { event: 'eof', tuple: this.tuple, offset });
  }
}
