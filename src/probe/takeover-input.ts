// Validation of a restore request arriving over the control port: untrusted JSON in, typed
// checkpoints and answers out, or a ProbeStateError naming the field. Written out by hand rather
// than with zod (as every other input is): it runs on a takeover's critical path, once and cold,
// where zod took 1.8 ms for four connections (0.3 ms warm) — a tenth of the takeover's budget.
import { ProbeStateError } from './server-state.js';
import type { ClientAnswer, S2cCheckpoint } from './takeover.js';

export type RestoreItem = { checkpoint: S2cCheckpoint; answer: ClientAnswer };

const MAX_ITEMS = 10_000;
const MAX_INSERTIONS = 64;
const U32_MAX = 0xffffffff;
const HOST_PORT = /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/;
const HEX_BYTES = /^([0-9a-f]{2})*$/;

class FieldError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(problem);
  }
}

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v));

const record = (v: unknown, path: string, keys: readonly string[]): Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FieldError(path, `expected an object, got ${shown(v)}`);
  for (const key of Object.keys(v)) if (!keys.includes(key)) throw new FieldError(path, `unknown key "${key}"`);
  return v as Record<string, unknown>;
};

const int = (v: unknown, path: string, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldError(path, `expected an integer, got ${shown(v)}`);
  if (v < min || v > max) throw new FieldError(path, `expected ${min} to ${max}, got ${v}`);
  return v;
};

const text = (v: unknown, path: string, pattern: RegExp, what: string): string => {
  if (typeof v !== 'string' || !pattern.test(v)) throw new FieldError(path, `expected ${what}, got ${shown(v)}`);
  return v;
};

const bool = (v: unknown, path: string): boolean => {
  if (typeof v !== 'boolean') throw new FieldError(path, `expected true or false, got ${shown(v)}`);
  return v;
};

const CHECKPOINT_KEYS = [
  'client',
  'server',
  'stream',
  'start',
  'rate',
  'insertions',
  'firstSeq',
  'mss',
  'sndWscale',
  'rcvWscale',
  'sack',
  'timestamps',
];

const checkpointAt = (v: unknown, path: string): S2cCheckpoint => {
  const c = record(v, path, CHECKPOINT_KEYS);
  if (!Array.isArray(c.insertions)) throw new FieldError(`${path}.insertions`, `expected an array, got ${shown(c.insertions)}`);
  if (c.insertions.length > MAX_INSERTIONS) throw new FieldError(`${path}.insertions`, `more than ${MAX_INSERTIONS} insertions`);
  return {
    client: text(c.client, `${path}.client`, HOST_PORT, 'IP:PORT'),
    server: text(c.server, `${path}.server`, HOST_PORT, 'IP:PORT'),
    stream: int(c.stream, `${path}.stream`, 0, U32_MAX),
    start: int(c.start, `${path}.start`, 0, Number.MAX_SAFE_INTEGER),
    rate: int(c.rate, `${path}.rate`, 0, Number.MAX_SAFE_INTEGER),
    insertions: c.insertions.map((i: unknown, k) => {
      const at = `${path}.insertions.${k}`;
      const r = record(i, at, ['at', 'hex']);
      return { at: int(r.at, `${at}.at`, 0, Number.MAX_SAFE_INTEGER), hex: text(r.hex, `${at}.hex`, HEX_BYTES, 'lower-case hex bytes') };
    }),
    firstSeq: int(c.firstSeq, `${path}.firstSeq`, 0, U32_MAX),
    mss: int(c.mss, `${path}.mss`, 64, 65535),
    sndWscale: int(c.sndWscale, `${path}.sndWscale`, 0, 14),
    rcvWscale: int(c.rcvWscale, `${path}.rcvWscale`, 0, 14),
    sack: bool(c.sack, `${path}.sack`),
    timestamps: bool(c.timestamps, `${path}.timestamps`),
  };
};

/** More than a socket's send buffer can hold (wmem_max's order) is not a connection's state. */
const MAX_IN_FLIGHT = 64 * 1024 * 1024;

const answerAt = (v: unknown, path: string): ClientAnswer => {
  const a = record(v, path, ['seq', 'ack', 'window', 'tsEcr', 'inFlight']);
  return {
    seq: int(a.seq, `${path}.seq`, 0, U32_MAX),
    ack: int(a.ack, `${path}.ack`, 0, U32_MAX),
    window: int(a.window, `${path}.window`, 0, 65535),
    ...(a.tsEcr !== undefined ? { tsEcr: int(a.tsEcr, `${path}.tsEcr`, 0, U32_MAX) } : {}),
    ...(a.inFlight !== undefined ? { inFlight: int(a.inFlight, `${path}.inFlight`, 0, MAX_IN_FLIGHT) } : {}),
  };
};

export const parseRestoreItems = (value: unknown): RestoreItem[] => {
  try {
    if (!Array.isArray(value)) throw new FieldError('', `expected an array, got ${shown(value)}`);
    if (value.length > MAX_ITEMS) throw new FieldError('', `more than ${MAX_ITEMS} connections`);
    return value.map((item: unknown, k) => {
      const r = record(item, String(k), ['checkpoint', 'answer']);
      return { checkpoint: checkpointAt(r.checkpoint, `${k}.checkpoint`), answer: answerAt(r.answer, `${k}.answer`) };
    });
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    throw new ProbeStateError(`restore: conns${error.path ? `.${error.path}` : ''}: ${error.message}`);
  }
};
