import { strict as assert } from 'node:assert';
import { ArpHaMachine } from '../../../../src/daemons/arp-ha/arp-ha-machine.js';
import { parseProcNetTcp } from '../../../../src/kernel/proc-net-tcp.js';
import { decodeHeartbeat, encodeHeartbeat, type Heartbeat } from '../../../../src/daemons/arp-ha/heartbeat-codec.js';
import { tcpChecksumOk, tcpSegment } from '../../../../src/kernel/tcp-segment.js';

describe('fast fail', () => {
  it('reads the service clients from /proc/net/tcp: established, only for the VIP and port', () => {
    // 198.18.7.100 = 0x6407_12C6 in the kernel's (little-endian) hex; 7000 = 0x1B58.
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 640712C6:1B58 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   1: 640712C6:1B58 010712C6:CC78 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1',
      '   2: 640712C6:1B58 010712C6:CC7C 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1',
      '   3: 640712C6:1B58 010712C6:CC80 06 00000000:00000000 00:00000000 00000000     0        0 0 3 0',
      '   4: 0C0712C6:1F0A 0B0712C6:1F0A 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1',
      '   5: 640712C6:1B59 010712C6:9C40 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0 20 4 30 10 -1',
      '',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(text, '198.18.7.100', 7000), ['198.18.7.1:52344', '198.18.7.1:52348']);
  });

  it('builds a bare ACK whose checksum verifies', () => {
    const seg = tcpSegment({
      src: '198.18.7.100',
      dst: '198.18.7.1',
      srcPort: 7000,
      dstPort: 52344,
      seq: 0xfffffff0,
      ack: 12345,
      flags: { ack: true },
      window: 0,
    });
    assert.equal(seg.length, 20);
    assert.equal(seg[13], 0x10, 'ACK only');
    assert.equal(seg.readUInt32BE(4), 0xfffffff0);
    assert.ok(tcpChecksumOk(seg, '198.18.7.100', '198.18.7.1'));
    assert.ok(!tcpChecksumOk(seg, '198.18.7.100', '198.18.7.2'));
  });

  it("carries the active's clients in heartbeats and hands them to the node that takes over", () => {
    const key = Buffer.from('k');
    const beat: Heartbeat = {
      v: 1,
      node: 'a',
      boot: 'b',
      seq: 1,
      sentMs: 0,
      groups: [{ group: 'web', mode: 'ACTIVE', priority: 100, mac: '02:00:00:00:00:01', eligible: true }],
      conns: [{ group: 'web', clients: ['198.18.7.1:52344', '198.18.7.1:52348'] }],
    };
    const decoded = decodeHeartbeat(encodeHeartbeat(beat, key), key);
    assert.ok(decoded.ok);
    const b = new ArpHaMachine(
      {
        node: 'b',
        mac: '02:00:00:00:00:02',
        paths: ['hb'],
        deadMs: 300,
        groups: [{ name: 'web', vip: '198.18.7.100', priority: 100, preempt: false, fastFailPort: 7000 }],
      },
      0,
    );
    b.onHeartbeat('hb', decoded.heartbeat, 0);
    const takeover = b.onTick(400);
    assert.deepEqual(
      takeover.filter((a) => a.type === 'fast-fail'),
      [
        {
          type: 'fast-fail',
          group: 'web',
          vip: '198.18.7.100',
          port: 7000,
          clients: ['198.18.7.1:52344', '198.18.7.1:52348'],
          checkpoints: [],
        },
      ],
    );
  });

  it('merges takeover checkpoints across beats (each may carry a share) and forgets clients the active stopped listing', () => {
    const cp = (client: string) => ({ client, server: '198.18.7.100:7000', firstSeq: 1000, app: 'opaque' });
    const advert = [{ group: 'web', mode: 'ACTIVE' as const, priority: 100, mac: '02:00:00:00:00:01', eligible: true }];
    const b = new ArpHaMachine(
      {
        node: 'b',
        mac: '02:00:00:00:00:02',
        paths: ['hb'],
        deadMs: 300,
        groups: [{ name: 'web', vip: '198.18.7.100', priority: 100, preempt: false, fastFailPort: 7000 }],
      },
      0,
    );
    b.onHeartbeat(
      'hb',
      {
        v: 1,
        node: 'a',
        boot: 'b',
        seq: 1,
        sentMs: 0,
        groups: advert,
        conns: [{ group: 'web', clients: ['c:1', 'c:2', 'c:3'], tcp: [cp('c:1'), cp('c:2')] }],
      },
      0,
    );
    b.onHeartbeat(
      'hb',
      {
        v: 1,
        node: 'a',
        boot: 'b',
        seq: 2,
        sentMs: 100,
        groups: advert,
        conns: [{ group: 'web', clients: ['c:2', 'c:3'], tcp: [cp('c:3')] }],
      },
      100,
    );
    const action = b.onTick(500).find((a) => a.type === 'fast-fail');
    assert.ok(action && action.type === 'fast-fail');
    assert.deepEqual(action.checkpoints.map((c) => c.client).sort(), ['c:2', 'c:3']);
    assert.equal(action.checkpoints[0]!.app, 'opaque', 'the application part travels unread');
  });

  it('rejects a heartbeat whose checkpoints lack the fields the daemon reads', () => {
    const key = Buffer.from('k');
    const bad = encodeHeartbeat(
      {
        v: 1,
        node: 'a',
        boot: 'b',
        seq: 1,
        sentMs: 0,
        groups: [],
        conns: [{ group: 'web', clients: [], tcp: [{ client: 'c:1', server: 's:1' }] }],
      } as unknown as Heartbeat,
      key,
    );
    assert.deepEqual(decodeHeartbeat(bad, key), { ok: false, reason: 'malformed' });
  });

  it('rejects a heartbeat whose connection list is malformed', () => {
    const key = Buffer.from('k');
    const bad = encodeHeartbeat(
      { v: 1, node: 'a', boot: 'b', seq: 1, sentMs: 0, groups: [], conns: [{ group: 'web', clients: [1] }] } as unknown as Heartbeat,
      key,
    );
    assert.deepEqual(decodeHeartbeat(bad, key), { ok: false, reason: 'malformed' });
  });
});
