import { strict as assert } from 'node:assert';
import { parseTcpPacket } from '../../../../src/kernel/tcp-segment.js';
import { kickTargets, nudgePacket, revertPacket } from '../../../../src/daemons/shared/retransmit-kick.js';
import type { AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';

const row = (extra: Partial<AccessRow> = {}): AccessRow => ({
  clientIp: '198.18.20.2',
  clientPort: 40000,
  vip: '198.18.20.101',
  vipPort: 7000,
  serverIp: '198.18.21.11',
  serverPort: 7000,
  protocol: 'tcp',
  delta: 0,
  ...extra,
});

describe('nat-lb retransmission kick', () => {
  it('sees each connection from both ends: the server talks to the client (dnat) or to the inside address (full NAT)', () => {
    const [dnat, full] = kickTargets([row(), row({ insideIp: '198.18.21.101', insidePort: 61000 }), row({ protocol: 'udp' })]);
    assert.deepEqual(dnat, {
      client: { ip: '198.18.20.2', port: 40000 },
      front: { ip: '198.18.20.101', port: 7000 },
      server: { ip: '198.18.21.11', port: 7000 },
      peer: { ip: '198.18.20.2', port: 40000 },
    });
    assert.deepEqual(full!.peer, { ip: '198.18.21.101', port: 61000 });
    assert.equal(kickTargets([row({ protocol: 'udp' })]).length, 0, 'UDP has nothing to retransmit');
  });

  it('nudges with a bare ACK from the other end, whatever address that is', () => {
    const t = kickTargets([row()])[0]!;
    const p = parseTcpPacket(nudgePacket(t.peer, t.server, 12345))!;
    assert.deepEqual(
      [p.src, p.srcPort, p.dst, p.dstPort, p.seq, p.flags.ack, p.flags.rst, p.payloadBytes],
      ['198.18.20.2', 40000, '198.18.21.11', 7000, 12345, true, false, 0],
    );
  });

  it('reverts with an ICMP error sent to the end, about its own segment at the byte the other end acknowledged', () => {
    const t = kickTargets([row()])[0]!;
    const p = revertPacket('198.18.20.101', t.client, t.front, 777);
    assert.deepEqual([...p.subarray(12, 20)], [198, 18, 20, 101, 198, 18, 20, 2], 'from the VIP to the client');
    assert.equal(p[9], 1, 'ICMP');
    const quoted = p.subarray(28);
    assert.deepEqual([...quoted.subarray(12, 20)], [198, 18, 20, 2, 198, 18, 20, 101], 'the client’s own segment to the VIP');
    assert.equal(quoted.readUInt32BE(24), 777);
  });
});
