import { strict as assert } from 'node:assert';
import { ackErrno, addressMessage } from '../../../src/kernel/rtnetlink-addr.js';

describe('rtnetlink address messages', () => {
  it('adds an address as `ip addr replace`: NEWADDR, create + replace, ifaddrmsg, IFA_LOCAL and IFA_ADDRESS', () => {
    const m = addressMessage('add', 7, '198.18.20.101', 32, 5);
    assert.equal(m.readUInt32LE(0), m.length);
    assert.equal(m.readUInt16LE(4), 20, 'RTM_NEWADDR');
    assert.equal(m.readUInt16LE(6), 0x1 | 0x4 | 0x100 | 0x400, 'REQUEST | ACK | REPLACE | CREATE');
    assert.equal(m.readUInt32LE(8), 5);
    assert.deepEqual([...m.subarray(16, 24)], [2, 32, 0, 0, 7, 0, 0, 0], 'AF_INET, /32, no flags, scope universe, ifindex 7');
    assert.deepEqual([...m.subarray(24, 32)], [8, 0, 2, 0, 198, 18, 20, 101], 'IFA_LOCAL');
    assert.deepEqual([...m.subarray(32, 40)], [8, 0, 1, 0, 198, 18, 20, 101], 'IFA_ADDRESS');
  });

  it('removes one as DELADDR without create flags', () => {
    const m = addressMessage('del', 3, '198.18.21.101', 32, 6);
    assert.equal(m.readUInt16LE(4), 21);
    assert.equal(m.readUInt16LE(6), 0x1 | 0x4);
  });

  it('refuses what is not an IPv4 address', () => {
    assert.throws(() => addressMessage('add', 1, '198.18.20', 32, 1), /not an IPv4 address/);
  });

  it('finds the acknowledgement of its own request among other messages', () => {
    const msg = (type: number, seq: number, errno?: number) => {
      const m = Buffer.alloc(errno === undefined ? 16 : 36);
      m.writeUInt32LE(m.length, 0);
      m.writeUInt16LE(type, 4);
      m.writeUInt32LE(seq, 8);
      if (errno !== undefined) m.writeInt32LE(-errno, 16);
      return m;
    };
    const datagram = Buffer.concat([msg(2, 4, 0), msg(16, 9), msg(2, 9, 99)]);
    assert.equal(ackErrno(datagram, 9), 99);
    assert.equal(ackErrno(datagram, 4), 0);
    assert.equal(ackErrno(datagram, 5), undefined);
    assert.equal(ackErrno(Buffer.alloc(8), 1), undefined, 'a truncated datagram');
  });
});
