// Test helpers: decode a byte string completely, collecting what the decoder reports.
import { FrameDecoder } from '../../../src/probe/frame-decoder.js';
import type { ControlFrame } from '../../../src/probe/frames.js';

export interface Decoded {
  controls: (Omit<ControlFrame, 'payload'> & { payload: Buffer })[];
  pieces: { stream: number; offset: number; bytes: Buffer }[];
  garbage: number;
}

/** Feeds `chunks` through one decoder; copies what it reports (views are only valid in the call). */
export const decodeChunks = (chunks: Buffer[]): Decoded => {
  const out: Decoded = { controls: [], pieces: [], garbage: 0 };
  const decoder = new FrameDecoder({
    control: (f) => out.controls.push({ ...f, payload: Buffer.from(f.payload) }),
    data: (stream, offset, piece) => out.pieces.push({ stream, offset, bytes: Buffer.from(piece) }),
    garbage: (n) => {
      out.garbage += n;
    },
  });
  for (const c of chunks) decoder.push(c);
  return out;
};

/** Deterministic PRNG for split points (mulberry32). */
export const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Cuts `buf` into chunks of random sizes in [1, maxChunk]. */
export const randomSplit = (buf: Buffer, maxChunk: number, random: () => number): Buffer[] => {
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.length;) {
    const n = 1 + Math.floor(random() * maxChunk);
    chunks.push(buf.subarray(at, at + n));
    at += n;
  }
  return chunks;
};
