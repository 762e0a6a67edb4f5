import { strict as assert } from 'node:assert';
import { parseQueuedBytes } from '../../../src/kernel/proc-net-tcp.js';

describe('proc-net-tcp queued bytes', () => {
  // 198.18.55.100 = 0x643712C6 in the kernel's (little-endian) hex; 7000 = 0x1B58.
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 643712C6:1B58 00000000:0000 0A 00000000:00000005 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
    '   1: 643712C6:1B58 0A3212C6:CC78 01 00010000:00000010 01:00000020 00000000     0        0 2 1 0 20 4 30 10 -1',
    '   2: 643712C6:1B59 0A3212C6:CC7C 01 00000100:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1',
    '   3: 643712C6:1B58 0A3212C6:CC80 06 00000400:00000000 00:00000000 00000000     0        0 0 3 0',
    '   4: 0B3312C6:1F0A 0C3312C6:1F0A 01 00000800:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1',
    '',
  ].join('\n');

  it('sums the send and receive queues of the established connections on the address, any port', () => {
    assert.deepEqual(parseQueuedBytes(text, '198.18.55.100'), { connections: 2, send: 0x10100, receive: 0x10 });
  });

  it('leaves out listeners, TIME_WAIT and other addresses; nothing there is zero', () => {
    assert.deepEqual(parseQueuedBytes(text, '198.18.55.101'), { connections: 0, send: 0, receive: 0 });
    assert.deepEqual(parseQueuedBytes('', '198.18.55.100'), { connections: 0, send: 0, receive: 0 });
  });
});
