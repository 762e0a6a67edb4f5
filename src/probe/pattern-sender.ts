// Sends a stream's pattern as DATA frames from a given offset: back to back as fast as the
// socket takes it (rate 0), or paced by a shared timer. Either way it respects backpressure:
// once write() returns false nothing more is written until 'drain'.
import type { Socket } from 'node:net';
import { systemClock, type Clock } from '../common/clock.js';
import { streamShift, patternSlice } from './byte-pattern.js';
import { FrameType, HEADER_BYTES, MAX_DATA_PAYLOAD, writeHeader } from './frames.js';
import { GRID_FRAME_BYTES, type S2cLayout } from './s2c-layout.js';
import { MIN_PACED_FRAME, pacerTickMs } from './timing.js';

/** Full speed: bytes per write, and writes per event-loop turn before yielding to other streams. */
const BATCH_BYTES = 16 * MAX_DATA_PAYLOAD;
const BATCHES_PER_TURN = 8;
/** A paced stream may catch up at most this much after a stall (no burst of a minute's data). */
const MAX_BURST_S = 0.25;

/** `len` pattern bytes of `stream` from `offset`, framed in ≤ 16 KiB DATA frames, in one buffer. */
export const patternFrames = (stream: number, offset: number, len: number, shift = streamShift(stream)): Buffer => {
  const frames = Math.ceil(len / MAX_DATA_PAYLOAD);
  const buf = Buffer.allocUnsafe(len + frames * HEADER_BYTES);
  let at = 0;
  for (let done = 0; done < len;) {
    const n = Math.min(MAX_DATA_PAYLOAD, len - done);
    writeHeader(buf, at, FrameType.Data, stream, offset + done, n);
    patternSlice(stream, offset + done, n, shift).copy(buf, at + HEADER_BYTES);
    at += HEADER_BYTES + n;
    done += n;
  }
  return buf;
};

export interface Paced {
  tick(now: number): void;
}

/** One timer for every rate-limited stream of a process: 1,000 streams cost one wake-up per tick. */
export class Pacer {
  constructor(
    readonly clock: Clock = systemClock,
    /** A tick fixed by the caller (2–20 ms) instead of one that coarsens with the stream count. */
    private readonly fixedTickMs?: number,
  ) {}

  private readonly members = new Set<Paced>();
  private timer: NodeJS.Timeout | undefined;
  private period = 0;

  /** The current tick period (ms). */
  get tickMs(): number {
    return this.fixedTickMs ?? pacerTickMs(this.members.size);
  }

  add(member: Paced): void {
    this.members.add(member);
    this.retime();
  }

  remove(member: Paced): void {
    this.members.delete(member);
    this.retime();
  }

  private retime(): void {
    const period = this.members.size === 0 ? 0 : this.tickMs;
    if (period === this.period) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.period = period;
    if (period === 0) return;
    this.timer = setInterval(() => {
      const now = this.clock.monotonicMs();
      for (const m of this.members) m.tick(now);
    }, period);
    this.timer.unref();
  }
}

/**
 * Without a layout every write is whole frames (control frames the owner writes between writes
 * land on frame boundaries). With a layout (the server's s2c streams) the writes follow the
 * layout's fixed frame grid, and control frames must go through `control()`, which places
 * them on the next grid boundary and records them, keeping the byte stream reproducible.
 */
export class PatternSender implements Paced {
  private budget = 0;
  /** Grid bytes written (layout mode). */
  private grid = 0;
  private lastTick = 0;
  private blocked = false;
  private stopped = false;
  private readonly shift: number;
  private readonly cap: number;
  /** Bytes per full-speed write: whole grid frames in layout mode, so writes stay frame-aligned. */
  private readonly batch: number;

  constructor(
    private readonly socket: Socket,
    readonly stream: number,
    /** Next offset to send. */
    public offset: number,
    readonly rate: number,
    private readonly pacer: Pacer,
    private readonly onSent?: (offset: number) => void,
    private readonly layout?: S2cLayout,
    /** Layout mode: the grid position to continue from (a taken-over connection). */
    fromGrid = 0,
  ) {
    this.grid = fromGrid;
    this.batch = layout ? 16 * GRID_FRAME_BYTES : BATCH_BYTES;
    if (layout) this.offset = layout.offsetAt(fromGrid);
    this.shift = streamShift(stream);
    this.cap = Math.max(rate * MAX_BURST_S, MIN_PACED_FRAME);
  }

  /** `now`: a paced stream sends its first tick's worth at once instead of on the next tick (a taken-over stream that already waited). */
  start(now = false): void {
    if (this.rate === 0) {
      this.pump();
      return;
    }
    this.lastTick = this.pacer.clock.monotonicMs();
    this.pacer.add(this);
    if (now) {
      this.budget = Math.max(MIN_PACED_FRAME, (this.rate * this.pacer.tickMs) / 1000);
      this.tick(this.lastTick);
    }
  }

  stop(): void {
    this.stopped = true;
    this.pacer.remove(this);
  }

  tick(now: number): void {
    this.budget = Math.min(this.budget + (this.rate * (now - this.lastTick)) / 1000, this.cap);
    this.lastTick = now;
    // High rates write several batches per tick, until the budget is spent or the socket is full.
    while (!this.blocked && !this.stopped && this.budget >= MIN_PACED_FRAME) {
      const n = Math.min(Math.floor(this.budget), this.batch);
      this.budget -= n;
      this.write(n);
    }
  }

  private pump(): void {
    for (let i = 0; i < BATCHES_PER_TURN; i++) {
      if (this.stopped || this.blocked || !this.write(this.batch)) return;
    }
    setImmediate(() => this.pump());
  }

  /**
   * Layout mode: a control frame for the peer, sent at once if the grid is on a frame boundary,
   * else after the current frame is completed. Completing it costs the stream nothing of its
   * pace: charged to the budget, the rest of a 16 KiB frame would silence a 1 KB/s stream for up
   * to 16 s after each PONG, a gap the probe would then report as the system's (what
   * maintenance-1000's "second stall" was: every stream PINGs during the pause).
   */
  control(frame: Buffer): void {
    if (!this.layout) throw new Error('control() needs a layout; write control frames between whole-frame writes instead');
    if (this.socket.destroyed || !this.socket.writable) return;
    const rest = (GRID_FRAME_BYTES - (this.grid % GRID_FRAME_BYTES)) % GRID_FRAME_BYTES;
    if (rest > 0) {
      this.socket.write(this.layout.gridBytes(this.grid, rest));
      this.grid += rest;
      this.offset = this.layout.offsetAt(this.grid);
      this.onSent?.(this.offset);
    }
    this.layout.insert(this.grid, frame);
    this.socket.write(frame);
  }

  /** False when the socket is gone or asked us to wait. */
  private write(len: number): boolean {
    if (this.stopped || this.socket.destroyed || !this.socket.writable) {
      this.stop();
      return false;
    }
    let ok: boolean;
    if (this.layout) {
      ok = this.socket.write(this.layout.gridBytes(this.grid, len));
      this.grid += len;
      this.offset = this.layout.offsetAt(this.grid);
    } else {
      ok = this.socket.write(patternFrames(this.stream, this.offset, len, this.shift));
      this.offset += len;
    }
    this.onSent?.(this.offset);
    if (!ok) {
      this.blocked = true;
      this.socket.once('drain', () => {
        this.blocked = false;
        if (this.rate === 0) this.pump();
      });
    }
    return ok;
  }
}
