import { strict as assert } from 'node:assert';
import { batchVerdictMessage, NF_ACCEPT, parseNotices, queueConfigMessage } from '../../../src/kernel/nfqueue-codec.js';

describe('NFQUEUE netlink messages', () => {
  it('binds a queue for IPv4, metadata only, with its length, and asks for an acknowledgement', () => {
    const m = queueConfigMessage('bind', 101, 7, 65536);
    assert.equal(m.readUInt32LE(0), m.length);
    assert.equal(m.readUInt16LE(4), (3 << 8) | 2, 'NFNL_SUBSYS_QUEUE, NFQNL_MSG_CONFIG');
    assert.equal(m.readUInt16LE(6), 1 | 4, 'REQUEST | ACK');
    assert.equal(m.readUInt32LE(8), 7);
    assert.equal(m.readUInt16BE(18), 101, 'queue number in res_id, big-endian');
    assert.deepEqual([...m.subarray(20, 28)], [8, 0, 1, 0, 1, 0, 0, 2], 'CFG_CMD: bind, AF_INET');
    assert.deepEqual([...m.subarray(28, 40)], [9, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0], 'CFG_PARAMS: range 0, COPY_META, padded');
    assert.deepEqual([...m.subarray(40, 48)], [8, 0, 3, 0, 0, 1, 0, 0], 'CFG_QUEUE_MAXLEN 65536');
    assert.equal(queueConfigMessage('unbind', 101, 8).length, 28);
  });
  it('accepts every packet up to an id in one batch verdict', () => {
    const m = batchVerdictMessage(100, 0x01020304, NF_ACCEPT, 9);
    assert.equal(m.readUInt16LE(4), (3 << 8) | 3);
    assert.deepEqual([...m.subarray(20, 32)], [12, 0, 2, 0, 0, 0, 0, 1, 1, 2, 3, 4]);
  });
  it('reads packet notices (id from the packet header) and acknowledgements from one datagram', () => {
    const packet = Buffer.alloc(32);
    packet.writeUInt32LE(32, 0);
    packet.writeUInt16LE(3 << 8, 4);
    packet.writeUInt16BE(100, 18);
    packet.writeUInt16LE(11, 20); // NFQA_PACKET_HDR, 7 bytes of payload, padded to 8
    packet.writeUInt16LE(1, 22);
    packet.writeUInt32BE(42, 24);
    const ack = Buffer.alloc(36);
    ack.writeUInt32LE(36, 0);
    ack.writeUInt16LE(2, 4);
    ack.writeUInt32LE(9, 8);
    ack.writeInt32LE(-1, 16);
    assert.deepEqual(parseNotices(Buffer.concat([packet, ack])), [
      { kind: 'packet', queue: 100, id: 42 },
      { kind: 'ack', seq: 9, errno: 1 },
    ]);
  });
});
