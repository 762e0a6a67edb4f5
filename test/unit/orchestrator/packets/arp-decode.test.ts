import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeArp } from '../../../../src/orchestrator/packets/arp-decode.js';
import { LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, parsePcap } from '../../../../src/orchestrator/packets/pcap-reader.js';
import { repoRoot } from '../../../helpers/repo-root.js';
import { arpFrame, arpPayload, ethFrame, sll2Frame, sllFrame, tcpFrame } from './pcap-writer.js';

const A = '02:00:5e:00:02:0a';
const B = '02:00:5E:00:02:0B';
const VIP = '198.18.7.100';

describe('ARP decoding', () => {
  it('decodes a request: Ethernet and ARP addresses in lower-case colon form', () => {
    assert.deepEqual(decodeArp(arpFrame({ op: 1, senderMac: A, senderIp: '198.18.7.1', targetIp: VIP })), {
      ethSrc: A,
      ethDst: 'ff:ff:ff:ff:ff:ff',
      op: 'request',
      senderMac: A,
      senderIp: '198.18.7.1',
      targetMac: '00:00:00:00:00:00',
      targetIp: VIP,
      gratuitous: false,
    });
  });

  it('decodes a unicast reply and marks announcements (sender IP = target IP) gratuitous', () => {
    const reply = decodeArp(arpFrame({ op: 2, senderMac: B, senderIp: VIP, targetMac: A, targetIp: '198.18.7.1', ethDst: A }));
    assert.equal(reply?.op, 'reply');
    assert.equal(reply?.senderMac, '02:00:5e:00:02:0b');
    assert.equal(reply?.ethDst, A);
    assert.equal(reply?.gratuitous, false);
    const garpRequest = decodeArp(arpFrame({ op: 1, senderMac: B, senderIp: VIP, targetIp: VIP }));
    assert.deepEqual([garpRequest?.op, garpRequest?.gratuitous], ['request', true]);
    const garpReply = decodeArp(arpFrame({ op: 2, senderMac: B, senderIp: VIP, targetMac: 'ff:ff:ff:ff:ff:ff', targetIp: VIP }));
    assert.deepEqual([garpReply?.op, garpReply?.gratuitous], ['reply', true]);
  });

  it('reads through one 802.1Q tag and keeps the VLAN id', () => {
    const arp = decodeArp(arpFrame({ op: 1, senderMac: A, senderIp: '198.18.7.1', targetIp: VIP, vlan: 110 }));
    assert.equal(arp?.vlan, 110);
    assert.equal(arp?.targetIp, VIP);
    assert.equal(decodeArp(ethFrame('ff:ff:ff:ff:ff:ff', A, 0x0800, Buffer.alloc(46), 110)), undefined);
  });

  it('gives other opcodes as numbers (RARP-style ops inside an ARP frame)', () => {
    assert.equal(decodeArp(arpFrame({ op: 3, senderMac: A, senderIp: '198.18.7.1', targetIp: VIP }))?.op, 3);
  });

  it('is undefined for anything that is not ARP for IPv4 over Ethernet', () => {
    assert.equal(decodeArp(tcpFrame(A, B)), undefined);
    assert.equal(decodeArp(Buffer.alloc(10)), undefined);
    const arp = arpFrame({ op: 1, senderMac: A, senderIp: '198.18.7.1', targetIp: VIP });
    assert.equal(decodeArp(arp.subarray(0, 14 + 27)), undefined, 'runt ARP');
    const ipv6 = Buffer.from(arp);
    ipv6.writeUInt16BE(0x86dd, 14 + 2);
    assert.equal(decodeArp(ipv6), undefined, 'ptype not IPv4');
    const tokenRing = Buffer.from(arp);
    tokenRing.writeUInt16BE(6, 14);
    assert.equal(decodeArp(tokenRing), undefined, 'htype not Ethernet');
    assert.equal(decodeArp(arp, 105), undefined, 'unknown link type');
  });

  it('decodes Linux cooked captures (SLL and SLL2); the destination is known only for broadcasts', () => {
    const payload = arpPayload({ op: 2, senderMac: B, senderIp: VIP, targetMac: A, targetIp: '198.18.7.1' });
    const unicast = decodeArp(sllFrame(4, B, 0x0806, payload), LINKTYPE_LINUX_SLL);
    assert.equal(unicast?.ethSrc, '02:00:5e:00:02:0b');
    assert.equal(unicast?.op, 'reply');
    assert.equal('ethDst' in unicast, false);
    assert.equal(decodeArp(sllFrame(1, B, 0x0806, payload), LINKTYPE_LINUX_SLL)?.ethDst, 'ff:ff:ff:ff:ff:ff');
    const v2 = decodeArp(sll2Frame(1, B, 0x0806, payload), LINKTYPE_LINUX_SLL2);
    assert.deepEqual([v2?.ethSrc, v2?.ethDst, v2?.senderIp], ['02:00:5e:00:02:0b', 'ff:ff:ff:ff:ff:ff', VIP]);
    assert.equal(decodeArp(sllFrame(0, B, 0x0800, Buffer.alloc(40)), LINKTYPE_LINUX_SLL), undefined);
  });

  it('decodes what tcpdump captured from arping -U (gratuitous requests) and arping -A (gratuitous reply)', () => {
    const pcap = parsePcap(readFileSync(path.join(repoRoot, 'test/fixtures/pcap/arping-garp.pcap')));
    const arps = pcap.records.map((r) => decodeArp(r.data, pcap.linkType));
    assert.deepEqual(
      arps.map((a) => [a?.op, a?.gratuitous, a?.senderIp, a?.targetIp, a?.ethDst]),
      [
        ['request', true, '198.18.9.9', '198.18.9.9', 'ff:ff:ff:ff:ff:ff'],
        ['request', true, '198.18.9.9', '198.18.9.9', 'ff:ff:ff:ff:ff:ff'],
        ['reply', true, '198.18.9.9', '198.18.9.9', 'ff:ff:ff:ff:ff:ff'],
      ],
    );
    const mac = arps[0]!.senderMac;
    assert.match(mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.ok(arps.every((a) => a!.senderMac === mac && a!.ethSrc === mac));
  });
});
