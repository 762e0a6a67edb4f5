import { strict as assert } from 'node:assert';
import { ChecksConfigSchema, checksFromConfig } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { noPacketsAfter } from '../../../../src/orchestrator/checker/no-packets-after.js';
import type { Ipv4PacketEntry } from '../../../../src/orchestrator/history/history-types.js';
import { decodeIpv4 } from '../../../../src/orchestrator/packets/ipv4-decode.js';
import { ipv4EntriesFromBytes } from '../../../../src/orchestrator/packets/packet-entries.js';
import { LINKTYPE_ETHERNET } from '../../../../src/orchestrator/packets/pcap-reader.js';
import { ipv4Packet, IP_PROTOCOL } from '../../../../src/kernel/ip-packet.js';
import { tcpSegment } from '../../../../src/kernel/tcp-segment.js';
import { keptStreamsMaxGap } from '../../../../src/orchestrator/checker/gap-checks.js';
import { daemon, fault, history, summary, T0 } from '../fixtures.js';
import { arpFrame, ethFrame, sllFrame, writePcap } from '../packets/pcap-writer.js';

const BE1 = '198.18.31.11';
const segment = (dst: string, flags: { syn?: boolean; ack?: boolean }) =>
  ipv4Packet(
    '198.18.30.1',
    dst,
    IP_PROTOCOL.tcp,
    tcpSegment({ src: '198.18.30.1', dst, srcPort: 40000, dstPort: 8080, seq: 1, ack: 0, flags, window: 100 }),
  );
const packet = (t: number, dst = BE1): Ipv4PacketEntry => ({
  t,
  kind: 'packet',
  node: 'fe1',
  iface: 'eth2',
  proto: 'ipv4',
  ip: { src: '198.18.30.1', dst, protocol: 6, srcPort: 40000, dstPort: 8080, flags: 'A' },
});
const spec = {
  packets: { kind: 'packet' as const, node: 'fe1', where: { 'ip.dst': BE1 } },
  after: { kind: 'daemon' as const, daemon: 'redirector', event: 'backend-dead' },
};
const dead = daemon(T0 + 1000, 'fe1', 'backend-dead', { backend: 'be1' }, 'redirector');

describe('checker: no packets after (from a filtered capture)', () => {
  it('decodes IPv4 addresses, ports and TCP flags from Ethernet and cooked frames; not ARP', () => {
    const eth = ethFrame('02:00:00:00:00:02', '02:00:00:00:00:01', 0x0800, segment(BE1, { syn: true }));
    assert.deepEqual(decodeIpv4(eth, LINKTYPE_ETHERNET), {
      src: '198.18.30.1',
      dst: BE1,
      protocol: 6,
      srcPort: 40000,
      dstPort: 8080,
      flags: 'S',
    });
    assert.equal(decodeIpv4(sllFrame(4, '02:00:00:00:00:01', 0x0800, segment(BE1, { ack: true })), 113)?.flags, 'A');
    assert.equal(
      decodeIpv4(arpFrame({ op: 1, senderMac: '02:00:00:00:00:01', senderIp: '1.2.3.4', targetIp: '1.2.3.5' }), LINKTYPE_ETHERNET),
      undefined,
    );
    assert.equal(decodeIpv4(eth.subarray(0, 20), LINKTYPE_ETHERNET), undefined, 'cut short');
    const pcap = writePcap([
      { tMs: T0, data: eth },
      { tMs: T0 + 1, data: arpFrame({ op: 1, senderMac: '02:00:00:00:00:01', senderIp: '1.2.3.4', targetIp: '1.2.3.5' }) },
    ]);
    assert.deepEqual(
      ipv4EntriesFromBytes(pcap, { node: 'fe1', iface: 'eth2' }).map((e) => [e.t, e.ip.dst]),
      [[T0, BE1]],
    );
  });

  it('valid when packets went there before the mark and none after; false with one after', () => {
    assert.equal(noPacketsAfter(spec).check(history([packet(T0 + 500), dead, packet(T0 + 1000, '198.18.31.12')])).valid, true);
    const r = noPacketsAfter(spec).check(history([packet(T0 + 500), dead, packet(T0 + 1002.5)]));
    assert.equal(r.valid, false);
    assert.match(
      r.detail,
      /1 packets match packet on fe1 \(ip.dst=="198.18.31.11"\)|1 packets match .* after \+1.000 s, the first \+2.5 ms after it/,
    );
  });

  it('until: packets after the window closes (a re-add) are allowed', () => {
    const readd = daemon(T0 + 2000, 'fe1', 'backend-readded', { backend: 'be1' }, 'redirector');
    const until = { kind: 'daemon' as const, daemon: 'redirector', event: 'backend-readded' };
    assert.equal(noPacketsAfter({ ...spec, until }).check(history([packet(T0 + 500), dead, readd, packet(T0 + 2001)])).valid, true);
    assert.equal(noPacketsAfter({ ...spec, until }).check(history([packet(T0 + 500), dead, packet(T0 + 1999), readd])).valid, false);
  });

  it('unknown without the mark, or without any matching packet before it (a blind capture)', () => {
    assert.equal(noPacketsAfter(spec).check(history([packet(T0 + 500)])).valid, 'unknown');
    assert.match(noPacketsAfter(spec).check(history([dead])).detail, /the capture proves nothing/);
  });

  it('from a scenario file; packets must be of kind packet', () => {
    assert.equal(checksFromConfig(ChecksConfigSchema.parse({ noPacketsAfter: spec })).length, 1);
    assert.throws(
      () => ChecksConfigSchema.parse({ noPacketsAfter: { ...spec, packets: { kind: 'daemon' } } }),
      /packets must be a filter of kind packet/,
    );
  });
});

describe('checker: kept streams max gap', () => {
  it('bounds only the streams that kept their first connection; unknown when none did', () => {
    const gap = (startMs: number, ms: number) => ({ startMs: T0 + startMs, endMs: T0 + startMs + ms });
    const f = [fault(T0 + 1000, 'start', 'link-down-1', 'link-down')];
    const kept = summary({ stream: 1, maxGapMs: 90, gaps: [gap(100, 90), gap(1200, 40), gap(960, 80)] });
    const hit = summary({ stream: 2, maxGapMs: 400, resets: 1, reconnects: 1, gaps: [gap(1000, 400)] });
    const slow = summary({ stream: 3, maxGapMs: 60, gaps: [gap(1500, 60)] });
    assert.equal(
      keptStreamsMaxGap(50).check(history(f, [kept, hit])).valid,
      true,
      'before the fault: not counted; across its start: only the 40 ms after it',
    );
    const r = keptStreamsMaxGap(50).check(history(f, [kept, hit, slow]));
    assert.equal(r.valid, false);
    assert.match(r.detail, /2 of 3 streams kept their connection; since link-down-1 worst web\/client1#3: 60 ms > limit 50 ms/);
    assert.equal(keptStreamsMaxGap(50).check(history(f, [hit])).valid, 'unknown');
    assert.equal(keptStreamsMaxGap(50).check(history([], [kept])).valid, 'unknown', 'no fault');
    assert.equal(checksFromConfig(ChecksConfigSchema.parse({ keptStreamsMaxGapMs: 50 }))[0]!.name, 'kept-streams-max-gap');
    // A later step's gap (one that starts after fault `until` started) is not the fault's doing.
    const until = (t: number) => [...f, fault(T0 + t, 'start', 'command-1', 'command')];
    assert.equal(
      keptStreamsMaxGap(50, 'command-1').check(history(until(1600), [kept, hit, slow])).valid,
      false,
      "slow's gap starts before command-1",
    );
    const r2 = keptStreamsMaxGap(50, 'command-1').check(history(until(1400), [kept, hit, slow]));
    assert.equal(r2.valid, true, "slow's gap starts after command-1");
    assert.match(r2.detail, /since link-down-1 until command-1 worst/);
    assert.equal(keptStreamsMaxGap(50, 'command-9').check(history(f, [kept])).valid, 'unknown', 'no such fault');
  });
});
