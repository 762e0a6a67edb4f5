import { strict as assert } from 'node:assert';
import { FloodCatch, floodKeys } from '../../../../src/daemons/redirector/front/flood-catch.js';
import { kickTargets } from '../../../../src/daemons/shared/retransmit-kick.js';
import type { AccessRow } from '../../../../src/daemons/shared/conntrack-rows.js';
import { IP_PROTOCOL, ipv4Packet } from '../../../../src/kernel/ip-packet.js';
import { parseTcpPacket, tcpSegment } from '../../../../src/kernel/tcp-segment.js';

const row: AccessRow = {
  clientIp: '198.18.30.1',
  clientPort: 40000,
  vip: '198.18.30.100',
  vipPort: 8080,
  serverIp: '198.18.31.11',
  serverPort: 8080,
  protocol: 'tcp',
  state: 'ESTABLISHED',
  delta: 0,
};
const WANTED = floodKeys(kickTargets([row]));

const segment = (src: string, srcPort: number, dst: string, dstPort: number, seq: number, flags: { syn?: boolean; rst?: boolean } = {}) => {
  const packet = ipv4Packet(
    src,
    dst,
    IP_PROTOCOL.tcp,
    tcpSegment({
      src,
      dst,
      srcPort,
      dstPort,
      seq,
      ack: 1,
      window: 100,
      flags: { ack: true, fin: false, psh: false, syn: false, rst: false, ...flags },
    }),
  );
  return { packet, tcp: parseTcpPacket(packet)! };
};
const fromClient = (seq: number, flags = {}) => segment('198.18.30.1', 40000, '198.18.30.100', 8080, seq, flags);
const fromServer = (seq: number) => segment('198.18.31.11', 8080, '198.18.30.1', 40000, seq);
const seqs = (packets: Buffer[]) => packets.map((p) => parseTcpPacket(p)!.seq);

describe('redirector: what the switch floods to the dead active, forwarded at the takeover', () => {
  it("keeps both ends' segments of a copied connection, in the order caught; nothing else, no SYN or reset", () => {
    assert.deepEqual([...WANTED], ['198.18.30.1:40000>198.18.30.100:8080', '198.18.31.11:8080>198.18.30.1:40000']);
    const caught = new FloodCatch(1000, 64);
    const offer = (s: ReturnType<typeof segment>, at: number) => caught.offer(s.packet, s.tcp, WANTED, at);
    assert.equal(offer(fromClient(10), 0), true);
    assert.equal(offer(fromServer(500), 5), true);
    assert.equal(offer(fromClient(20), 5), true);
    assert.equal(offer(segment('198.18.30.1', 40001, '198.18.30.100', 8080, 1), 5), false, 'not a copy');
    assert.equal(offer(fromClient(30, { rst: true }), 5), false);
    assert.equal(offer(fromClient(30, { syn: true }), 5), false);
    const taken = caught.take(10);
    assert.deepEqual(seqs(taken.packets), [10, 500, 20]);
    assert.equal(taken.directions, 2);
    assert.deepEqual(caught.take(10).packets, [], 'taken once');
  });

  it('forgets what is older than its keep time, and keeps only the latest per direction', () => {
    const caught = new FloodCatch(1000, 2);
    for (const [seq, at] of [
      [1, 0],
      [2, 600],
      [3, 700],
      [4, 800],
    ] as const)
      caught.offer(fromClient(seq).packet, fromClient(seq).tcp, WANTED, at);
    assert.deepEqual(seqs(caught.take(1750).packets), [4], '3 is older than 1 s at 1750; 1 and 2 were pushed out');
  });

  it('holds a copy: the capture reuses its buffer', () => {
    const caught = new FloodCatch(1000, 64);
    const s = fromClient(7);
    caught.offer(s.packet, s.tcp, WANTED, 0);
    s.packet.fill(0);
    assert.deepEqual(seqs(caught.take(0).packets), [7]);
  });
});
