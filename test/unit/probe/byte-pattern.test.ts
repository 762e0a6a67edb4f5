import { strict as assert } from 'node:assert';
import { PATTERN_PERIOD, MAX_SLICE, patternByte, patternSlice, streamShift } from '../../../src/probe/byte-pattern.js';

describe('probe byte pattern', () => {
  it('is a pure function of (stream, offset): slices agree byte for byte with patternByte', () => {
    for (const [stream, offset] of [
      [1, 0],
      [7, 123_456],
      [42, PATTERN_PERIOD - 100],
      [0xffffffff, 2 ** 40 + 3],
    ] as const) {
      const slice = patternSlice(stream, offset, 300);
      for (let i = 0; i < slice.length; i++)
        assert.equal(slice[i], patternByte(stream, offset + i), `stream ${stream} offset ${offset + i}`);
      assert.ok(slice.equals(patternSlice(stream, offset, 300)), 'same answer twice');
    }
  });

  it('is contiguous across the period boundary, for the largest slice', () => {
    const stream = 5;
    const wrapAt = PATTERN_PERIOD - streamShift(stream);
    const slice = patternSlice(stream, wrapAt - 10, MAX_SLICE);
    assert.equal(slice.length, MAX_SLICE);
    for (let i = 0; i < MAX_SLICE; i += 97) assert.equal(slice[i], patternByte(stream, wrapAt - 10 + i));
    assert.ok(patternSlice(stream, 1000 + PATTERN_PERIOD, 64).equals(patternSlice(stream, 1000, 64)), 'period P');
  });

  it('differs between streams and looks random (no long runs, all byte values)', () => {
    assert.notDeepEqual(patternSlice(1, 0, 64), patternSlice(2, 0, 64));
    const seen = new Set(patternSlice(3, 0, 4096));
    assert.ok(seen.size > 250);
  });

  it('refuses slices longer than a DATA frame', () => {
    assert.throws(() => patternSlice(1, 0, MAX_SLICE + 1), RangeError);
  });
});
