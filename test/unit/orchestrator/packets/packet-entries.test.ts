import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChecksConfigSchema, checksFromConfig } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { parseHistory, serializeHistory } from '../../../../src/orchestrator/history/history-store.js';
import { mergeHistory } from '../../../../src/orchestrator/history/merge-history.js';
import { arpEntriesFromBytes, arpEntriesFromPcap } from '../../../../src/orchestrator/packets/packet-entries.js';
import { PcapFormatError } from '../../../../src/orchestrator/packets/pcap-reader.js';
import { repoRoot } from '../../../helpers/repo-root.js';
import { T0, daemon, runner } from '../fixtures.js';
import { arpFrame, tcpFrame, writePcap } from './pcap-writer.js';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const VIP = '198.18.7.100';

const capture = writePcap([
  { tMs: T0 + 100, data: arpFrame({ op: 1, senderMac: A, senderIp: '198.18.7.1', targetIp: VIP }) },
  ...Array.from({ length: 50 }, (_, i) => ({ tMs: T0 + 101 + i, data: tcpFrame(A, B) })),
  { tMs: T0 + 200.25, data: arpFrame({ op: 2, senderMac: B, senderIp: VIP, targetMac: A, targetIp: '198.18.7.1', ethDst: A }) },
]);

describe('ARP packet entries from a pcap', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fl-pcap-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('turns only the ARP frames into packet entries, with capture point and time', async () => {
    const file = path.join(dir, 'sw1-eth3.pcap');
    await writeFile(file, capture);
    const entries = await arpEntriesFromPcap(file, 'sw1', 'eth3');
    assert.equal(entries.length, 2);
    assert.deepEqual(
      entries.map((e) => [e.kind, e.node, e.iface, e.proto, e.arp.op]),
      [
        ['packet', 'sw1', 'eth3', 'arp', 'request'],
        ['packet', 'sw1', 'eth3', 'arp', 'reply'],
      ],
    );
    assert.ok(Math.abs(entries[1]!.t - (T0 + 200.25)) < 0.001);
    assert.equal(entries[1]!.arp.senderIp, VIP);
  });

  it('gives [] for a missing or empty file, and drops a cut-short last record', async () => {
    assert.deepEqual(await arpEntriesFromPcap(path.join(dir, 'never-written.pcap'), 'lb1', 'eth1'), []);
    const empty = path.join(dir, 'empty.pcap');
    await writeFile(empty, Buffer.alloc(0));
    assert.deepEqual(await arpEntriesFromPcap(empty, 'lb1', 'eth1'), []);
    const cut = path.join(dir, 'cut.pcap');
    await writeFile(cut, capture.subarray(0, capture.length - 5));
    assert.equal((await arpEntriesFromPcap(cut, 'lb1', 'eth1')).length, 1);
  });

  it('throws a PcapFormatError naming the file for garbage or a link type without Ethernet ARP', async () => {
    const junk = path.join(dir, 'junk.pcap');
    await writeFile(junk, Buffer.from('not a capture at all, just text'));
    await assert.rejects(arpEntriesFromPcap(junk, 'lb1', 'eth1'), (e: unknown) => e instanceof PcapFormatError && e.message.includes(junk));
    assert.throws(
      () => arpEntriesFromBytes(writePcap([], { linkType: 101 }), { file: 'raw.pcap', node: 'n', iface: 'i' }),
      /raw\.pcap: .*link type 101/,
    );
  });

  it('reads the tcpdump fixture: two gratuitous requests and one gratuitous reply', async () => {
    const entries = await arpEntriesFromPcap(path.join(repoRoot, 'test/fixtures/pcap/arping-garp.pcap'), 'h1', 'v0');
    assert.deepEqual(
      entries.map((e) => `${e.arp.op}${e.arp.gratuitous ? ' (gratuitous)' : ''}`),
      ['request (gratuitous)', 'request (gratuitous)', 'reply (gratuitous)'],
    );
  });

  describe('packet entries in the history', () => {
    const packets = arpEntriesFromBytes(capture, { node: 'sw1', iface: 'eth3' });
    const h = mergeHistory({
      entries: [[runner(T0, 'deployed'), daemon(T0 + 150, 'lb2', 'mode', { vip: VIP, to: 'ACTIVE' })], packets],
      startMs: T0,
      endMs: T0 + 1000,
    });

    it('merge in time order and survive history.jsonl', () => {
      assert.deepEqual(
        h.entries.map((e) => e.kind),
        ['runner', 'packet', 'daemon', 'packet'],
      );
      assert.deepEqual(parseHistory(serializeHistory(h)), h);
    });

    it('can be counted by invariants: kind, capture node, and arp fields by dotted path', () => {
      assert.equal(Checks.eventCount({ kind: 'packet', min: 2, max: 2 }).check(h).valid, true);
      assert.equal(Checks.eventCount({ kind: 'packet', node: 'lb1', max: 0 }).check(h).valid, true);
      const replies = Checks.eventCount({ kind: 'packet', where: { 'arp.op': 'reply', 'arp.senderIp': VIP }, min: 1, max: 1 }).check(h);
      assert.equal(replies.valid, true, replies.detail);
      assert.match(replies.detail, /first at \+0\.200 s/);
      assert.equal(Checks.never({ kind: 'packet', where: { 'arp.senderMac': A, 'arp.op': 'reply' } }).check(h).valid, true);
      assert.equal(Checks.never({ kind: 'packet', where: { iface: 'eth3' } }).check(h).valid, false);
      assert.throws(() => Checks.eventCount({ kind: 'packet', event: 'x', max: 0 }), /event does not apply to kind 'packet'/);
    });

    it('accepts packet filters in the checks config', () => {
      const config = ChecksConfigSchema.parse({
        invariants: [{ name: 'one reply', count: { kind: 'packet', where: { 'arp.op': 'reply' } }, max: 1 }],
      });
      assert.equal(checksFromConfig(config)[0]!.check(h).valid, true);
      assert.equal(
        ChecksConfigSchema.safeParse({ invariants: [{ name: 'x', never: { kind: 'packet', daemon: 'arp-ha' } }] }).success,
        false,
      );
    });
  });
});
