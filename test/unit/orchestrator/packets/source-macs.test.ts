import { strict as assert } from 'node:assert';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { sourceMacEntries } from '../../../../src/orchestrator/packets/packet-entries.js';
import { T0 } from '../fixtures.js';
import { arpFrame, tcpFrame, writePcap } from './pcap-writer.js';

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
