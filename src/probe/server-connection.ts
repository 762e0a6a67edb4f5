// One accepted connection on the probe server: waits for HELLO, answers WELCOME with the offset
// the stream continues from, then serves its direction — sends the pattern (s2c), verifies and
// acknowledges (c2s), or returns every DATA frame as it came (echo).
import type { Socket } from 'node:net';
import { C2sReceiver } from './c2s-receiver.js';
import { errorCode, tupleOf, type Emit } from './events.js';
import { FrameDecoder } from './frame-decoder.js';
import { decodeHello, encodeData, encodePong, encodeWelcome, FrameType, type ControlFrame } from './frames.js';
import { PatternSender, type Pacer } from './pattern-sender.js';
import type { Direction, FourTuple } from './probe-report.js';
import type { StateStore } from './server-state.js';

/** A connection that says nothing this long after connecting is dropped. */
const HELLO_TIMEOUT_MS = 10_000;

const DIRECTION_OF = { 1: 's2c', 2: 'c2s', 3: 'echo' } as const;

export interface ConnectionHost {
  readonly pacer: Pacer;
  readonly state: StateStore;
  readonly emit: Emit;
  /** This connection now carries `stream`: the host drops any older connection of the stream. */
  claim(stream: number, conn: ServerConnection): void;
  closed(conn: ServerConnection): void;
}

export class ServerConnection {
  stream: number | undefined;
  direction: Direction | undefined;
  private tuple: FourTuple | undefined;
  private readonly decoder: FrameDecoder;
  private sender: PatternSender | undefined;
  private receiver: C2sReceiver | undefined;
  private echoOffset = 0;
  private echoPieces: { offset: number; piece: Buffer }[] = [];
  private error: string | undefined;
  /** Set when we (not the peer) end the connection: no eof/reset event then. */
  private dropped = false;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(private readonly socket: Socket, private readonly host: ConnectionHost) {
    socket.setNoDelay(true);
    this.decoder = new FrameDecoder({
      control: (f) => this.onControl(f),
      data: (stream, offset, piece) => {
        if (this.receiver) this.receiver.data(stream, offset, piece);
        else if (this.direction === 'echo') this.echoPieces.push({ offset, piece });
      },
      garbage: (bytes) => this.receiver?.garbage(bytes),
    });
    this.helloTimer = setTimeout(() => this.drop(), HELLO_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk);
      this.afterChunk();
    });
    socket.on('error', (err) => { this.error ??= errorCode(err); });
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
    if (frame.type === FrameType.Hello) this.onHello(frame);
    else if (frame.type === FrameType.Ping && this.stream !== undefined) this.socket.write(encodePong(this.stream, this.offset));
  }

  private onHello(frame: ControlFrame): void {
    const hello = decodeHello(frame.payload);
    if (this.stream !== undefined || !hello) return;
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
    this.socket.write(encodeWelcome(stream, start, known !== undefined));
    this.tuple = tupleOf(this.socket);
    if (this.tuple) this.host.emit(stream, { event: 'established', tuple: this.tuple, offset: start, hadState: known !== undefined });
    if (direction === 's2c') {
      this.sender = new PatternSender(this.socket, stream, start, hello.rate, this.host.pacer,
        (offset) => this.host.state.record(stream, 's2c', offset));
      this.sender.start();
    } else if (direction === 'c2s') {
      this.receiver = new C2sReceiver(stream, start, this.host.emit);
    } else {
      this.echoOffset = start;
    }
  }

  private afterChunk(): void {
    if (this.stream === undefined) return;
    if (this.receiver) {
      this.host.state.record(this.stream, 'c2s', this.receiver.offset);
      this.flushAck(Date.now());
    } else if (this.echoPieces.length > 0) {
      // All of a chunk's pieces go back in one write; a slow reader stops us reading.
      const last = this.echoPieces[this.echoPieces.length - 1]!;
      this.echoOffset = last.offset + last.piece.length;
      const out = encodeData(this.stream, this.echoPieces);
      this.echoPieces = [];
      this.host.state.record(this.stream, 'echo', this.echoOffset);
      if (!this.socket.write(out)) {
        this.socket.pause();
        this.socket.once('drain', () => this.socket.resume());
      }
    }
  }

  private onClose(): void {
    clearTimeout(this.helloTimer);
    this.decoder.close();
    this.sender?.stop();
    this.host.closed(this);
    const stream = this.stream;
    if (stream === undefined || this.dropped) return;
    const offset = this.offset;
    if (this.error !== undefined) this.host.emit(stream, { event: 'reset', tuple: this.tuple, offset, error: this.error });
    else this.host.emit(stream, { event: 'eof', tuple: this.tuple, offset });
  }
}
