import { strict as assert } from 'node:assert';
import { patternSlice } from '../../../src/probe/byte-pattern.js';
import { FrameDecoder } from '../../../src/probe/frame-decoder.js';
import { MAX_DATA_PAYLOAD } from '../../../src/probe/frames.js';
import { patternFrames } from '../../../src/probe/pattern-sender.js';
import { StreamVerifier, type VerifierIssue } from '../../../src/probe/verifier.js';
import { randomSplit, rng } from './frames-helpers.js';

const S = 3;
/** The stream's bytes [from, to) as ≤ 16 KiB pieces, each with its offset. */
const pieces = (from: number, to: number, size = 1000): [number, Buffer][] => {
  const out: [number, Buffer][] = [];
  for (let o = from; o < to; o += size) out.push([o, Buffer.from(patternSlice(S, o, Math.min(size, to - o)))]);
  return out;
};

const run = (input: [number, Buffer][]) => {
  const issues: VerifierIssue[] = [];
  const v = new StreamVerifier(S, 0, (i) => issues.push(i));
  for (const [o, p] of input) v.data(o, p);
  return { v, issues };
};

const counts = (v: StreamVerifier) => ({
  verified: v.verified,
  lost: v.lost,
  duplicated: v.duplicated,
  corrupt: v.corrupt,
  reordered: v.reordered,
  firstBad: v.firstBadOffset,
  expected: v.expected,
});

describe('probe stream verifier', () => {
  it('counts nothing but verified bytes on a clean stream', () => {
    const { v, issues } = run(pieces(0, 100_000));
    assert.deepEqual(counts(v), {
      verified: 100_000,
      lost: 0,
      duplicated: 0,
      corrupt: 0,
      reordered: 0,
      firstBad: undefined,
      expected: 100_000,
    });
    assert.deepEqual(issues, []);
  });

  it('finds a single flipped byte: exact offset, one corrupt byte', () => {
    const input = pieces(0, 50_000);
    const flipped = input[12]![1];
    flipped[345] = flipped[345]! ^ 0x01; // offset 12,345
    const { v, issues } = run(input);
    assert.deepEqual(counts(v), { verified: 49_999, lost: 0, duplicated: 0, corrupt: 1, reordered: 0, firstBad: 12_345, expected: 50_000 });
    assert.deepEqual(issues, [{ kind: 'corrupt', offset: 12_345, bytes: 1 }]);
  });

  it('counts a dropped range exactly', () => {
    const input = pieces(0, 20_000).filter(([o]) => o < 5000 || o >= 8000);
    const { v, issues } = run(input);
    assert.deepEqual(counts(v), {
      verified: 17_000,
      lost: 3000,
      duplicated: 0,
      corrupt: 0,
      reordered: 0,
      firstBad: 5000,
      expected: 20_000,
    });
    assert.deepEqual(issues, [{ kind: 'lost', offset: 5000, bytes: 3000 }]);
  });

  it('counts a duplicated range exactly and verifies the non-overlapping remainder', () => {
    const input = [...pieces(0, 10_000), [9_500, Buffer.from(patternSlice(S, 9_500, 1200))] as [number, Buffer], ...pieces(10_700, 20_000)];
    const { v, issues } = run(input);
    assert.deepEqual(counts(v), {
      verified: 20_000,
      lost: 0,
      duplicated: 500,
      corrupt: 0,
      reordered: 0,
      firstBad: 9_500,
      expected: 20_000,
    });
    assert.deepEqual(issues, [{ kind: 'duplicated', offset: 9_500, bytes: 500 }]);
  });

  it('recognises a reordered range: late bytes fill the hole, nothing lost or duplicated', () => {
    const input = pieces(0, 10_000);
    const moved = input.splice(3, 2); // [3000, 5000) arrives after [5000, 10000)
    input.push(...moved);
    const { v } = run(input);
    assert.deepEqual(counts(v), {
      verified: 10_000,
      lost: 0,
      duplicated: 0,
      corrupt: 0,
      reordered: 2000,
      firstBad: 3000,
      expected: 10_000,
    });
  });

  it('counts bytes that overlap both a hole and verified data as reordered and duplicated', () => {
    const { v } = run([...pieces(0, 1000), ...pieces(2000, 3000), [500, Buffer.from(patternSlice(S, 500, 2000))]]);
    assert.deepEqual(counts(v), { verified: 3000, lost: 0, duplicated: 1000, corrupt: 0, reordered: 1000, firstBad: 1000, expected: 3000 });
  });

  it("counts DATA with another stream's content as corrupt", () => {
    const v = new StreamVerifier(S);
    v.data(0, Buffer.from(patternSlice(S + 1, 0, 1000)));
    assert.ok(v.corrupt > 990 && v.corrupt <= 1000);
    assert.equal(v.firstBadOffset !== undefined && v.firstBadOffset < 10, true);
  });

  it('garbage right before a hole stands for it (corrupt, up to its size); the rest of the hole is lost', () => {
    const issues: VerifierIssue[] = [];
    const v = new StreamVerifier(S, 0, (i) => issues.push(i));
    for (const [o, p] of pieces(0, 1000)) v.data(o, p);
    v.garbage(625); // a 600-byte frame's header and payload, damaged
    for (const [o, p] of pieces(2000, 3000)) v.data(o, p); // and 400 more bytes simply missing
    assert.deepEqual(counts(v), { verified: 2000, lost: 400, duplicated: 0, corrupt: 600, reordered: 0, firstBad: 1000, expected: 3000 });
    assert.deepEqual(issues, [
      { kind: 'corrupt', offset: 1000, bytes: 625 },
      { kind: 'lost', offset: 1600, bytes: 400 },
    ]);
  });

  it('garbage followed by in-order data (bytes inserted between frames) stays corrupt at face value', () => {
    const v = new StreamVerifier(S);
    for (const [o, p] of pieces(0, 1000)) v.data(o, p);
    v.garbage(37);
    for (const [o, p] of pieces(1000, 2000)) v.data(o, p);
    assert.deepEqual(counts(v), { verified: 2000, lost: 0, duplicated: 0, corrupt: 37, reordered: 0, firstBad: 1000, expected: 2000 });
  });

  it('late bytes filling a hole are reordered, whatever class the hole was counted in, with an event each', () => {
    const issues: VerifierIssue[] = [];
    const v = new StreamVerifier(S, 0, (i) => issues.push(i));
    const input = pieces(0, 4000);
    v.data(...input[0]!);
    v.data(...input[2]!); // hole [1000, 2000): lost
    v.data(...input[1]!);
    v.garbage(10);
    v.data(...input[3]!); // nothing jumped over: the garbage stays corrupt
    assert.deepEqual(counts(v), { verified: 4000, lost: 0, duplicated: 0, corrupt: 10, reordered: 1000, firstBad: 1000, expected: 4000 });
    assert.deepEqual(
      issues.map((i) => i.kind),
      ['lost', 'reordered', 'corrupt'],
    );
  });

  describe('fed by the frame decoder', () => {
    const verifyWire = (chunks: Buffer[]) => {
      const v = new StreamVerifier(S);
      const d = new FrameDecoder({ control: () => {}, data: (_s, o, p) => v.data(o, p), garbage: (n) => v.garbage(n) });
      for (const c of chunks) d.push(c);
      return v;
    };

    it('is clean across arbitrary chunk splits', () => {
      const wire = patternFrames(S, 0, 10 * MAX_DATA_PAYLOAD + 5);
      for (const max of [1, 13, 1500, 65_536]) {
        assert.deepEqual(counts(verifyWire(randomSplit(wire, max, rng(max)))), {
          verified: 10 * MAX_DATA_PAYLOAD + 5,
          lost: 0,
          duplicated: 0,
          corrupt: 0,
          reordered: 0,
          firstBad: undefined,
          expected: 10 * MAX_DATA_PAYLOAD + 5,
        });
      }
    });

    it('resyncs after garbage mid-stream: the garbage is corrupt, nothing else is', () => {
      const garbage = Buffer.alloc(37, 0xab);
      const v = verifyWire(randomSplit(Buffer.concat([patternFrames(S, 0, 5000), garbage, patternFrames(S, 5000, 5000)]), 700, rng(4)));
      assert.deepEqual(counts(v), {
        verified: 10_000,
        lost: 0,
        duplicated: 0,
        corrupt: 37,
        reordered: 0,
        firstBad: 5000,
        expected: 10_000,
      });
    });

    it('a damaged header: its frame is skipped as garbage and its payload counts once, as corrupt (not also as lost)', () => {
      const broken = patternFrames(S, 1000, 1000);
      broken[0] = 0x00; // magic gone
      const v = verifyWire([Buffer.concat([patternFrames(S, 0, 1000), broken, patternFrames(S, 2000, 1000)])]);
      assert.deepEqual(counts(v), { verified: 2000, lost: 0, duplicated: 0, corrupt: 1000, reordered: 0, firstBad: 1000, expected: 3000 });
    });
  });
});
