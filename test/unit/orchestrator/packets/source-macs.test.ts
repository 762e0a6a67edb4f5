import { strict as assert } from 'node:assert';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { ipv4Packet, IP_PROTOCOL } from '../../../../src/kernel/ip-packet.js';
import { noPacketsAfter } from '../../../../src/orchestrator/checker/no-packets-after.js';
import { ipv4AddressEntries, sourceMacEntries } from '../../../../src/orchestrator/packets/packet-entries.js';
import { T0 } from '../fixtures.js';
import { arpFrame, ethFrame, tcpFrame, writePcap } from './pcap-writer.js';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:32';
const C = '02:00:5e:29:00:10';

describe('source MAC entries from a pcap', () => {
  const capture = writePcap([
    { tMs: T0 + 100, data: arpFrame({ op: 1, senderMac: A, senderIp: '198.18.40.1', targetIp: '198.18.40.11' }) },
    ...Array.from({ length: 20 }, (_, i) => ({ tMs: T0 + 101 + i, data: tcpFrame(B, A) })),
    { tMs: T0 + 300, data: tcpFrame(A, B) },
  ]);
  it('gives one entry per source address of any frame, at its first frame, with its count', () => {
    const entries = sourceMacEntries(capture, { node: 'cl1', iface: 'eth1' });
    assert.deepEqual(
      entries.map((e) => [e.proto, e.srcMac, e.frames, e.t - T0]),
      [
        ['ether', A, 2, 100],
        ['ether', B, 20, 101],
      ],
    );
    assert.deepEqual(sourceMacEntries(Buffer.alloc(0), { node: 'cl1', iface: 'eth1' }), []);
  });
  it('lets an invariant say that a MAC never appeared on a link, and fail when it did', () => {
    const entries = sourceMacEntries(capture, { node: 'cl1', iface: 'eth1' });
    const history = { entries, streams: [], startMs: T0, endMs: T0 + 1000 };
    const never = (mac: string) => Checks.never({ kind: 'packet', node: 'cl1', where: { proto: 'ether', srcMac: mac }, name: `no ${mac}` });
    assert.equal(never(C).check(history).valid, true);
    assert.equal(never(B).check(history).valid, false);
  });
});

describe('IPv4 address entries from a pcap', () => {
  const ip = (src: string, dst: string) => ethFrame(B, A, 0x0800, ipv4Packet(src, dst, IP_PROTOCOL.icmp, Buffer.alloc(8)));
  const capture = writePcap([
    { tMs: T0 + 100, data: arpFrame({ op: 1, senderMac: A, senderIp: '198.18.40.1', targetIp: '198.18.40.11' }) },
    { tMs: T0 + 110, data: ip('198.18.40.1', '198.18.40.11') },
    { tMs: T0 + 120, data: ip('198.18.40.11', '198.18.40.1') },
    { tMs: T0 + 130, data: ip('198.18.41.10', '198.18.40.1') },
    { tMs: T0 + 140, data: ip('198.18.40.1', '198.18.40.1') },
  ]);
  it('gives one entry per address in any packet (source or destination; ARP is not IPv4), at its first packet, with its count and its last packet', () => {
    assert.deepEqual(
      ipv4AddressEntries(capture, { node: 'cl1', iface: 'eth1' }).map((e) => [e.proto, e.address, e.packets, e.t - T0, e.lastT - T0]),
      [
        ['ipv4-address', '198.18.40.1', 4, 110, 140],
        ['ipv4-address', '198.18.40.11', 2, 110, 120],
        ['ipv4-address', '198.18.41.10', 1, 130, 130],
      ],
    );
    assert.deepEqual(ipv4AddressEntries(Buffer.alloc(0), { node: 'cl1', iface: 'eth1' }), []);
  });
  it('lets an invariant say that an address never appeared on a link, and fail when it did', () => {
    const history = { entries: ipv4AddressEntries(capture, { node: 'cl1', iface: 'eth1' }), streams: [], startMs: T0, endMs: T0 + 1000 };
    const never = (address: string) =>
      Checks.never({ kind: 'packet', node: 'cl1', where: { proto: 'ipv4-address', address }, name: `no ${address}` });
    assert.equal(never('198.18.42.20').check(history).valid, true);
    assert.equal(never('198.18.41.10').check(history).valid, false);
  });
  it("lets noPacketsAfter judge an address by its last packet (a site's router that must see a user no more)", () => {
    const entries = ipv4AddressEntries(capture, { node: 'cl1', iface: 'eth1' });
    const at = (ms: number) => ({ t: T0 + ms, kind: 'runner' as const, event: 'mark' });
    const check = (markMs: number, address: string, until?: boolean) =>
      noPacketsAfter({
        packets: { kind: 'packet', node: 'cl1', where: { proto: 'ipv4-address', address } },
        after: { kind: 'runner', event: 'mark' },
        ...(until ? { until: { kind: 'runner', event: 'end' } } : {}),
      }).check({ entries: [...entries, at(markMs), { ...at(900), event: 'end' }], streams: [], startMs: T0, endMs: T0 + 1000 });
    assert.equal(check(125, '198.18.40.11').valid, true, 'its last packet at +120');
    const late = check(125, '198.18.40.1');
    assert.equal(late.valid, false);
    assert.match(late.detail, /1 address or MAC summaries match .* after \+0\.125 s, the last \+15\.0 ms after it/);
    assert.equal(check(125, '198.18.40.11', true).valid, 'unknown', 'which of its packets fell before the end, a summary cannot say');
  });
});

describe('gapPercentile until', () => {
  const stream = (gaps: [number, number][]) => ({
    workload: 'main',
    node: 'cl1',
    stream: 1,
    direction: 'echo' as const,
    connections: [],
    bytes: 1,
    resets: 0,
    eofs: 0,
    timeouts: 0,
    reconnects: 0,
    gaps: gaps.map(([a, b]) => ({ startMs: T0 + a, endMs: T0 + b })),
    maxGapMs: Math.max(...gaps.map(([a, b]) => b - a)),
    bytesLost: 0,
    bytesDuplicated: 0,
    bytesCorrupt: 0,
    failed: false,
  });
  const fault = (id: string, t: number) => ({
    t: T0 + t,
    kind: 'fault' as const,
    phase: 'start' as const,
    fault: 'command',
    id,
    targets: ['x'],
    detail: '',
  });
  it('counts only gaps that start before the `until` fault started', () => {
    const history = {
      entries: [fault('command-1', 1000), fault('command-2', 2000)],
      streams: [
        stream([
          [1100, 1130],
          [2100, 2250],
        ]),
      ],
      startMs: T0,
      endMs: T0 + 3000,
    };
    const within = Checks.gapPercentile({ percentile: 100, maxMs: 50, since: 'command-1', until: 'command-2' }).check(history);
    assert.equal(within.valid, true, within.detail);
    assert.equal(Checks.gapPercentile({ percentile: 100, maxMs: 50, since: 'command-1' }).check(history).valid, false);
    assert.equal(Checks.gapPercentile({ percentile: 100, maxMs: 50, until: 'command-9' }).check(history).valid, 'unknown');
  });
});
