// The server's only per-stream state: (stream id, direction, offset) — what it has sent (s2c),
// received in order (c2s) or echoed (echo). Kept apart from connections so it can be read and
// written from outside (control port) to migrate or replicate a server.
import { TestbedError } from '../common/errors.js';
import type { Direction } from './probe-report.js';

export interface StreamState {
  stream: number;
  direction: Direction;
  offset: number;
}

export class ProbeStateError extends TestbedError {
  constructor(message: string) {
    super('PROBE_STATE', message);
  }
}

const DIRECTIONS: readonly string[] = ['s2c', 'c2s', 'echo'];

/** Checks one untrusted entry (from the control port) and returns it typed. */
export const parseStreamState = (value: unknown): StreamState => {
  const v = value as Partial<Record<keyof StreamState, unknown>> | null;
  if (typeof v !== 'object' || v === null) throw new ProbeStateError('a stream state must be an object');
  const { stream, direction, offset } = v;
  if (!Number.isInteger(stream) || (stream as number) < 0 || (stream as number) > 0xffffffff) {
    throw new ProbeStateError(`bad stream id ${JSON.stringify(stream)}`);
  }
  if (typeof direction !== 'string' || !DIRECTIONS.includes(direction)) {
    throw new ProbeStateError(`bad direction ${JSON.stringify(direction)}`);
  }
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new ProbeStateError(`bad offset ${JSON.stringify(offset)}`);
  return { stream: stream as number, direction: direction as Direction, offset: offset as number };
};

export class StateStore {
  private readonly streams = new Map<number, StreamState>();

  get(stream: number): StreamState | undefined {
    return this.streams.get(stream);
  }

  /** Called on every bit of progress, so it mutates in place rather than allocating. */
  record(stream: number, direction: Direction, offset: number): void {
    const entry = this.streams.get(stream);
    if (entry) {
      entry.direction = direction;
      entry.offset = offset;
    } else {
      this.streams.set(stream, { stream, direction, offset });
    }
  }

  list(): StreamState[] {
    return [...this.streams.values()].map((s) => ({ ...s })).sort((a, b) => a.stream - b.stream);
  }

  /** Upserts the given streams; with `replace`, forgets all others. */
  set(entries: readonly StreamState[], replace = false): void {
    if (replace) this.streams.clear();
    for (const e of entries) this.record(e.stream, e.direction, e.offset);
  }
}
