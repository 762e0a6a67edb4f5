import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type ConntrackNew,
  createMessage,
  deleteMessage,
  dumpMessage,
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_SEEN_REPLY,
  IPS_SRC_NAT,
  parseDumpPart,
  parseEntry,
  tupleKey,
} from '../../../src/kernel/ctnetlink-codec.js';
import { acksIn } from '../../../src/kernel/nfnetlink-attrs.js';
import { repoRoot } from '../../helpers/repo-root.js';

/** A real dump (test/fixtures/ctnetlink/README.md): seq 77, seven entries, then NLMSG_DONE. */
const fixture = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/ctnetlink/dump-7-entries.json'), 'utf8')) as {
  datagrams: string[];
};
const datagrams = fixture.datagrams.map((hex) => Buffer.from(hex, 'hex'));

const hex = (b: Buffer) => b.toString('hex');
/** What `conntrack -I -s 198.18.20.9 -d 198.18.20.101 -p tcp --sport 1030 --dport 80 …` sent (strace), attribute by attribute. */
const CONNTRACK_I = {
  tupleOrig: '34000180' + '1400018008000100c612140908000200c6121465' + '1c0002800500010006000000060002000406000006000300' + '00500000',
  status: '080003000000000e',
  timeout: '0800070000069780',
  protoinfo: '200004801c000180050001000300000006000400' + '0a0a0000060005000a0a0000',
};

const FULL_NAT: ConntrackNew = {
  orig: { src: '198.18.20.9', dst: '198.18.20.101', protocol: 6, sport: 1030, dport: 80 },
  status: IPS_SEEN_REPLY | IPS_ASSURED,
  timeoutS: 432000,
  tcpState: 'ESTABLISHED',
  dnat: { ip: '198.18.21.11', port: 80 },
  snat: { ip: '198.18.21.101', port: 2012 },
};

describe('ctnetlink messages', () => {
  it('asks for a dump of the IPv4 table: CT_GET, REQUEST | DUMP, AF_INET, no attributes', () => {
    const m = dumpMessage(9);
    assert.equal(m.length, 20);
    assert.equal(m.readUInt32LE(0), 20);
    assert.equal(m.readUInt16LE(4), (1 << 8) | 1, 'NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET');
    assert.equal(m.readUInt16LE(6), 0x1 | 0x300);
    assert.equal(m.readUInt32LE(8), 9);
    assert.deepEqual([...m.subarray(16, 20)], [2, 0, 0, 0], 'AF_INET, NFNETLINK_V0, res_id 0');
  });

  it('filters a dump in the kernel by original destination: CTA_TUPLE_ORIG with the address, CTA_FILTER with the IP_DST flag in host order', () => {
    const m = dumpMessage(9, { origDst: '198.18.20.101' });
    assert.equal(m.readUInt32LE(0), m.length);
    assert.deepEqual(
      [...m.subarray(20, 36)],
      [16, 0, 1, 0x80, 12, 0, 1, 0x80, 8, 0, 2, 0, 198, 18, 20, 101],
      'CTA_TUPLE_ORIG { CTA_TUPLE_IP { CTA_IP_V4_DST } }',
    );
    assert.deepEqual(
      [...m.subarray(36, 48)],
      [12, 0, 25, 0x80, 8, 0, 1, 0, 2, 0, 0, 0],
      'CTA_FILTER { CTA_FILTER_ORIG_FLAGS = CTA_FILTER_F_CTA_IP_DST }',
    );
    assert.equal(m.length, 48);
  });

  it('creates an entry as `conntrack -I` does: the same tuple, status, timeout and TCP attributes byte for byte (padding zeroed), then source and destination NAT', () => {
    const m = createMessage(FULL_NAT, 5);
    assert.equal(m.readUInt16LE(4), (1 << 8) | 0, 'IPCTNL_MSG_CT_NEW');
    assert.equal(m.readUInt16LE(6), 0x1 | 0x4 | 0x200 | 0x400, 'REQUEST | ACK | EXCL | CREATE');
    assert.equal(m[16], 2);
    const body = hex(m.subarray(20));
    let at = 0;
    const next = (len: number) => body.slice(at, (at += len * 2));
    assert.equal(next(52), CONNTRACK_I.tupleOrig);
    assert.equal(
      next(52),
      '34000280' + '1400018008000100c612146508000200c6121409' + '1c0002800500010006000000060002000050000006000300' + '04060000',
      'the reply tuple: the original one inverted',
    );
    assert.equal(next(8), CONNTRACK_I.status, 'SEEN_REPLY | ASSURED | CONFIRMED');
    assert.equal(next(8), CONNTRACK_I.timeout, '432000 s');
    assert.equal(next(32), CONNTRACK_I.protoinfo, 'ESTABLISHED, liberal window tracking both ways');
    assert.equal(
      next(40),
      '28000680' + '08000100c6121565' + '08000200c6121565' + '14000380' + '06000100' + '07dc0000' + '06000200' + '07dc0000',
      'CTA_NAT_SRC: one address, one port',
    );
    assert.equal(
      next(40),
      '28000d80' + '08000100c612150b' + '08000200c612150b' + '14000380' + '06000100' + '00500000' + '06000200' + '00500000',
      'CTA_NAT_DST',
    );
    assert.equal(at, body.length);
  });

  it('creates a UDP entry without TCP attributes, and no NAT attributes when none is asked for', () => {
    const m = createMessage(
      { orig: { src: '198.18.20.1', dst: '198.18.20.103', protocol: 17, sport: 4000, dport: 53 }, status: 0, timeoutS: 180 },
      6,
    );
    assert.equal(m.length, 20 + 52 + 52 + 8 + 8);
    assert.equal(m.readUInt32BE(20 + 104 + 4), IPS_CONFIRMED, 'the kernel refuses a status without CONFIRMED');
  });

  it('deletes by the original tuple, from its fields or as a dump gave it', () => {
    const key = tupleKey(FULL_NAT.orig);
    const m = deleteMessage(key, 8);
    assert.equal(m.readUInt16LE(4), (1 << 8) | 2, 'IPCTNL_MSG_CT_DELETE');
    assert.equal(m.readUInt16LE(6), 0x1 | 0x4);
    assert.equal(hex(m.subarray(20)), CONNTRACK_I.tupleOrig);
    const dumped = parseDumpPart(datagrams[0]!, 77).entries[0]!;
    assert.equal(hex(deleteMessage(dumped.origKey, 8).subarray(20)), '34000180' + hex(dumped.origKey));
  });

  it('reads a real dump: tuples, status, timeout, TCP state, start time; ICMP entries too (ports 0)', () => {
    const first = parseDumpPart(datagrams[0]!, 77);
    assert.equal(first.done, false);
    assert.equal(first.entries.length, 7);
    const byPort = new Map(first.entries.map((e) => [e.orig.sport || e.orig.protocol, e]));
    const dnat = byPort.get(34962)!;
    assert.deepEqual(dnat.orig, { src: '198.18.20.1', dst: '198.18.20.101', protocol: 6, sport: 34962, dport: 7000 });
    assert.deepEqual(dnat.reply, { src: '198.18.21.11', dst: '198.18.20.1', protocol: 6, sport: 7000, dport: 34962 });
    assert.equal(dnat.tcpState, 'ESTABLISHED');
    assert.equal(
      dnat.status & (IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | IPS_DST_NAT | IPS_SRC_NAT),
      IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | IPS_DST_NAT,
    );
    assert.equal(dnat.timeoutS, 431999);
    assert.ok(dnat.startMs! > Date.UTC(2024, 0) && Number.isInteger(dnat.startMs), 'wall-clock milliseconds');
    const fullNat = byPort.get(1029)!;
    assert.deepEqual(fullNat.reply, { src: '198.18.21.11', dst: '198.18.21.101', protocol: 6, sport: 80, dport: 2011 });
    assert.ok(fullNat.status & IPS_SRC_NAT);
    assert.deepEqual(
      [byPort.get(34963)!.tcpState, byPort.get(6000)!.tcpState, byPort.get(5000)!.tcpState],
      ['TIME_WAIT', 'FIN_WAIT', 'SYN_SENT'],
    );
    assert.equal(byPort.get(5000)!.status & IPS_SEEN_REPLY, 0, 'unreplied');
    const udp = byPort.get(4000)!;
    assert.equal(udp.orig.protocol, 17);
    assert.equal(udp.tcpState, undefined);
    const icmp = byPort.get(1)!;
    assert.deepEqual([icmp.orig.src, icmp.orig.dst, icmp.orig.sport, icmp.reply.src], ['198.18.20.1', '198.18.20.101', 0, '198.18.21.11']);
    assert.ok(icmp.origKey.length > 0, 'deletable by its raw tuple');
    assert.deepEqual(parseDumpPart(datagrams[1]!, 77), { entries: [], done: true });
  });

  it('skips messages of other requests, and reports a dump the kernel refused', () => {
    assert.deepEqual(parseDumpPart(datagrams[0]!, 78), { entries: [], done: false });
    const refused = Buffer.alloc(36);
    refused.writeUInt32LE(36, 0);
    refused.writeUInt16LE(2, 4);
    refused.writeUInt32LE(78, 8);
    refused.writeInt32LE(-95, 16);
    assert.deepEqual(parseDumpPart(refused, 78), { entries: [], done: true, errno: 95 });
  });

  it('reads back what it creates (round trip): the request has the shape of a dump entry', () => {
    const m = createMessage(FULL_NAT, 5);
    const e = parseEntry(m, 0, m.length)!;
    assert.deepEqual(e.orig, FULL_NAT.orig);
    assert.deepEqual(e.reply, { src: '198.18.20.101', dst: '198.18.20.9', protocol: 6, sport: 80, dport: 1030 });
    assert.equal(e.status, IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED);
    assert.equal(e.timeoutS, 432000);
    assert.equal(e.tcpState, 'ESTABLISHED');
    assert.equal(hex(e.origKey), hex(tupleKey(FULL_NAT.orig)));
  });

  it('reads acknowledgements: errno 0 for done, the error otherwise', () => {
    const ack = (seq: number, errno: number) => {
      const a = Buffer.alloc(36);
      a.writeUInt32LE(36, 0);
      a.writeUInt16LE(2, 4);
      a.writeUInt32LE(seq, 8);
      a.writeInt32LE(-errno, 16);
      return a;
    };
    assert.deepEqual(acksIn(Buffer.concat([ack(3, 0), ack(4, 17), ack(5, 2)])), [
      { seq: 3, errno: 0 },
      { seq: 4, errno: 17 },
      { seq: 5, errno: 2 },
    ]);
    assert.deepEqual(acksIn(datagrams[0]!), [], 'dump entries are not acknowledgements');
  });
});
