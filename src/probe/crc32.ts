// CRC-32 (IEEE, as in zlib) over small ranges: the probe checks each frame header (and a control
// frame's payload) with it. zlib.crc32 needs Node 20.15; the probe runs on Node 18 in the lab.

const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of `buf[from, to)`, continuing from `seed` (the CRC of what came before, 0 to start). */
export const crc32 = (buf: Uint8Array, from = 0, to = buf.length, seed = 0): number => {
  let c = ~seed;
  for (let i = from; i < to; i++) c = TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
};
