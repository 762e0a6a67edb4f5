import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LINKTYPE_ETHERNET, PcapFormatError, parsePcap } from '../../../../src/orchestrator/packets/pcap-reader.js';
import { repoRoot } from '../../../helpers/repo-root.js';
import { arpFrame, tcpFrame, writePcap } from './pcap-writer.js';

const T = 1_700_000_000_123.456;
const packets = [
  { tMs: T, data: arpFrame({ op: 1, senderMac: '02:00:00:00:00:01', senderIp: '198.18.7.1', targetIp: '198.18.7.100' }) },
  { tMs: T + 2.5, data: tcpFrame('02:00:00:00:00:01', '02:00:00:00:00:02') },
  {
    tMs: T + 1000,
    data: arpFrame({
      op: 2,
      senderMac: '02:00:00:00:00:02',
      senderIp: '198.18.7.100',
      targetMac: '02:00:00:00:00:01',
      targetIp: '198.18.7.1',
    }),
  },
];

describe('pcap reader', () => {
  for (const littleEndian of [true, false]) {
    for (const nanoseconds of [false, true]) {
      it(`reads ${littleEndian ? 'little' : 'big'}-endian ${nanoseconds ? 'ns' : 'µs'} files: times, bytes, link type`, () => {
        const pcap = parsePcap(writePcap(packets, { littleEndian, nanoseconds }), 'x.pcap');
        assert.equal(pcap.linkType, LINKTYPE_ETHERNET);
        assert.equal(pcap.littleEndian, littleEndian);
        assert.equal(pcap.nanoseconds, nanoseconds);
        assert.equal(pcap.trailingBytes, 0);
        assert.equal(pcap.records.length, 3);
        pcap.records.forEach((r, i) => {
          assert.ok(Math.abs(r.tMs - packets[i]!.tMs) < 0.001, `record ${i} time ${r.tMs}`);
          assert.deepEqual(r.data, packets[i]!.data);
          assert.equal(r.origLen, packets[i]!.data.length);
        });
      });
    }
  }

  it('keeps whole records and drops a cut-short last record (tcpdump killed mid-write)', () => {
    const whole = writePcap(packets);
    for (const cut of [1, 10, 16, 17, packets[2]!.data.length + 15]) {
      const pcap = parsePcap(whole.subarray(0, whole.length - cut));
      assert.equal(pcap.records.length, 2, `cut ${cut}`);
      assert.ok(pcap.trailingBytes > 0);
    }
    assert.equal(parsePcap(whole.subarray(0, 24)).records.length, 0);
  });

  it('returns views into the file buffer, not copies', () => {
    const bytes = writePcap(packets);
    const pcap = parsePcap(bytes);
    assert.equal(pcap.records[0]!.data.buffer, bytes.buffer);
  });

  it('names the file and offset of a bad header', () => {
    const bad = writePcap(packets);
    bad.writeUInt32BE(0xdeadbeef, 0);
    assert.throws(
      () => parsePcap(bad, 'lb1-eth1.pcap'),
      (e: unknown) =>
        e instanceof PcapFormatError &&
        e.offset === 0 &&
        e.file === 'lb1-eth1.pcap' &&
        /lb1-eth1\.pcap: offset 0: not a pcap file/.test(e.message),
    );
    assert.throws(() => parsePcap(Buffer.from([0xd4, 0xc3, 0xb2]), 'short.pcap'), /short\.pcap: offset 3: file header cut short/);
    const ng = Buffer.alloc(28);
    ng.writeUInt32BE(0x0a0d0d0a, 0);
    assert.throws(() => parsePcap(ng, 'a.pcapng'), /pcapng/);
    const v1 = writePcap([]);
    v1.writeUInt16LE(1, 4);
    assert.throws(
      () => parsePcap(v1),
      (e: unknown) => e instanceof PcapFormatError && e.offset === 4,
    );
  });

  it('rejects a record length no snap length allows, naming its offset', () => {
    const bytes = writePcap(packets);
    const second = 24 + 16 + packets[0]!.data.length;
    bytes.writeUInt32LE(0x7fffffff, second + 8);
    assert.throws(() => parsePcap(bytes, 'c.pcap'), new RegExp(`c\\.pcap: offset ${second}: record length`));
  });

  it('reads a capture written by tcpdump (arping -U twice, arping -A once, on a veth)', () => {
    const pcap = parsePcap(readFileSync(path.join(repoRoot, 'test/fixtures/pcap/arping-garp.pcap')));
    assert.equal(pcap.linkType, LINKTYPE_ETHERNET);
    assert.equal(pcap.records.length, 3);
    assert.equal(pcap.trailingBytes, 0);
    const [a, b, c] = pcap.records.map((r) => r.tMs);
    assert.ok(a! > 1.6e12 && a! < b! && b! < c!);
    assert.ok(Math.abs(b! - a! - 1000) < 50, 'arping sends one per second');
  });
});
