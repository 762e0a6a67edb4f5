// Building and writing probe events: each component emits only the event-specific part, the
// emitter stamps time, source and node; the sink writes JSON lines to stdout or a file.
import { createWriteStream } from 'node:fs';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { systemClock, type Clock } from '../common/clock.js';
import type { FourTuple, ProbeEvent } from './probe-report.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event without the fields the emitter stamps. */
export type EventBody = DistributiveOmit<ProbeEvent, 't' | 'source' | 'node' | 'stream'>;
export type Emit = (stream: number, body: EventBody) => void;

export const makeEmit =
  (source: ProbeEvent['source'], node: string | undefined, write: (event: ProbeEvent) => void, clock: Clock = systemClock): Emit =>
  (stream, body) =>
    write({ t: clock.nowMs(), source, ...(node === undefined ? {} : { node }), stream, ...body });

export const tupleOf = (socket: Socket): FourTuple | undefined =>
  socket.localAddress === undefined || socket.remoteAddress === undefined
    ? undefined
    : {
        localAddress: socket.localAddress,
        localPort: socket.localPort ?? 0,
        remoteAddress: socket.remoteAddress,
        remotePort: socket.remotePort ?? 0,
      };

/** A Node error's code (ECONNRESET, EPIPE, ...) or its message. */
export const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));

/**
 * JSON lines onto stdout or an append-mode file (a restarted server keeps one history). The
 * lines of one event-loop turn go out in one write: on a lab node stdout is a pipe to docker
 * exec's relay, and a write per line woke that relay once per line — 1,000 streams' progress
 * round was 1,000 writes, and the client of `thousand-streams` spent 2.6 s of its 10 s inside
 * them (a CPU profile), its streams standing still up to 700 ms at a time.
 */
export class JsonLinesSink {
  private pending: string[] = [];

  private constructor(
    private readonly out: Writable,
    private readonly owned: boolean,
  ) {}

  static open(file: string | undefined): JsonLinesSink {
    return file === undefined ? JsonLinesSink.over(process.stdout) : new JsonLinesSink(createWriteStream(file, { flags: 'a' }), true);
  }

  /** Onto a stream the caller owns (close() leaves it open). */
  static over(out: Writable): JsonLinesSink {
    return new JsonLinesSink(out, false);
  }

  write(record: unknown): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(JSON.stringify(record) + '\n');
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.out.write(text);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => {
      if (this.owned) this.out.end(resolve);
      else this.out.write('', () => resolve());
    });
  }
}
