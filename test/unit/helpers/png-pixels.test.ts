import { strict as assert } from 'node:assert';
import { deflateSync } from 'node:zlib';
import { countColour, decodePng, inkShare } from '../../helpers/png-pixels.js';

const crcless = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, Buffer.alloc(4)]);
};
const png = (width: number, rows: number[][], filters: number[], colour = 2): Buffer => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(rows.length, 4);
  ihdr[8] = 8;
  ihdr[9] = colour;
  const raw = Buffer.concat(rows.map((r, y) => Buffer.from([filters[y]!, ...r])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    crcless('IHDR', ihdr),
    crcless('IDAT', deflateSync(raw)),
    crcless('IEND', Buffer.alloc(0)),
  ]);
};

describe('png pixel reader (screenshot tests)', () => {
  it('reads unfiltered RGB and counts a colour', () => {
    const img = decodePng(png(2, [[0x00, 0x72, 0xb2, 255, 255, 255]], [0]));
    assert.deepEqual([img.width, img.height, countColour(img, '#0072B2'), inkShare(img)], [2, 1, 1, 0.5]);
  });
  it('undoes the sub, up, average and paeth filters', () => {
    // Row 0 (sub): deltas from the left pixel; rows 1-3 encode the same pixels as row 0 through up / average / paeth.
    const rows = [
      [10, 20, 30, 5, 5, 5],
      [0, 0, 0, 0, 0, 0],
      [5, 10, 15, 3, 3, 3],
      [0, 0, 0, 0, 0, 0],
    ];
    const img = decodePng(png(2, rows, [1, 2, 3, 4]));
    const px = (x: number, y: number) => [...img.rgba.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 3)];
    for (let y = 0; y < 4; y++)
      assert.deepEqual(
        [px(0, y), px(1, y)],
        [
          [10, 20, 30],
          [15, 25, 35],
        ],
        `row ${y}`,
      );
  });
  it('refuses what it cannot read instead of misreading it', () => {
    assert.throws(() => decodePng(Buffer.from('GIF89a')), /not a PNG/);
    assert.throws(() => decodePng(png(1, [[0, 0]], [0], 0)), /unsupported/);
  });
});
