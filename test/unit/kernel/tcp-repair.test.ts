import { strict as assert } from 'node:assert';
import { parseTcpInfo } from '../../../src/kernel/tcp-repair.js';

describe('TCP repair: struct tcp_info', () => {
  it('reads options and window scales from struct tcp_info (little-endian bitfields)', () => {
    const info = Buffer.alloc(232);
    info[5] = 1 | 2 | 4; // timestamps, SACK, window scaling
    info[6] = 7 | (9 << 4); // snd_wscale 7, rcv_wscale 9
    info.writeUInt32LE(1448, 16); // tcpi_snd_mss (without the timestamp option)
    assert.deepEqual(parseTcpInfo(info), { mss: 1460, sndWscale: 7, rcvWscale: 9, sack: true, timestamps: true });
    info[5] = 0;
    assert.deepEqual(parseTcpInfo(info), { mss: 1448, sndWscale: 0, rcvWscale: 0, sack: false, timestamps: false });
  });
});
