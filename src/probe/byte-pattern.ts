// Stream content as a pure function of (stream id, offset):
//   byte(s, o) = B[(o + shift(s)) mod P]
// with B a fixed pseudo-random buffer (deterministic seed, so every process and every version
// agrees) of period P = 1 MiB. B is stored with its first 16 KiB repeated at the end, so any
// slice of up to 16 KiB (the largest DATA frame) is one contiguous view: generating a frame is
// a subarray, and verifying one is a native memcmp against that subarray.
import { MAX_DATA_PAYLOAD } from './frames.js';

export const PATTERN_PERIOD = 1 << 20;
export const MAX_SLICE = MAX_DATA_PAYLOAD;
const SEED = 0x9e3779b9;

const buildPattern = (): Buffer => {
  const buf = Buffer.alloc(PATTERN_PERIOD + MAX_SLICE);
  const words = new Uint32Array(buf.buffer, buf.byteOffset, PATTERN_PERIOD / 4);
  // xorshift32: fast, deterministic, and far from anything a network path would produce.
  let x = SEED;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  buf.copy(buf, PATTERN_PERIOD, 0, MAX_SLICE);
  return buf;
};

const PATTERN = buildPattern();

/** Per-stream phase, so that streams differ (a byte delivered to the wrong stream is corrupt). */
export const streamShift = (stream: number): number => {
  // murmur3's finaliser: neighbouring ids land far apart.
  let h = stream >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % PATTERN_PERIOD;
};

/** The expected bytes of `stream` at [offset, offset + len), len ≤ MAX_SLICE. A view: do not write. */
export const patternSlice = (stream: number, offset: number, len: number, shift = streamShift(stream)): Buffer => {
  if (len > MAX_SLICE) throw new RangeError(`pattern slice of ${len} bytes exceeds ${MAX_SLICE}`);
  const start = ((offset % PATTERN_PERIOD) + shift) % PATTERN_PERIOD;
  return PATTERN.subarray(start, start + len);
};

/** The single expected byte (for tests and for counting differences). */
export const patternByte = (stream: number, offset: number): number =>
  PATTERN[((offset % PATTERN_PERIOD) + streamShift(stream)) % PATTERN_PERIOD]!;
