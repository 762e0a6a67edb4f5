import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FLOW_GAP_THRESHOLD_MS, aggregateFlows } from '../../../../src/orchestrator/packets/flow-aggregate.js';
import { TSHARK_FIELDS, TsharkOutputError, parseTsharkFields } from '../../../../src/orchestrator/packets/tshark-fields.js';
import { tsharkArgs } from '../../../../src/orchestrator/packets/tshark-flows.js';
import { repoRoot } from '../../../helpers/repo-root.js';

// Real tshark 4.0 output (TSHARK_FIELDS) cut from runs of scenarios/probe/*.yml (docs/flows.md).
const fixture = (name: string): string => readFileSync(path.join(repoRoot, 'test/fixtures/flows', name), 'utf8');

/** One synthetic tshark line: t in s, flags as tshark 4.0 prints them. */
type LineOptions = { stream?: number; seq?: number; len?: number; flags?: string; win?: number; re?: boolean; zw?: boolean };
const line = (t: number, src: string, dst: string, o: LineOptions = {}) => {
  const [sip, sport] = src.split(':');
  const [dip, dport] = dst.split(':');
  const f = o.flags ?? 'A';
  const bit = (c: string) => (f.includes(c) ? '1' : '0');
  return [
    t.toFixed(6),
    o.stream ?? 0,
    sip,
    sport,
    dip,
    dport,
    o.seq ?? 1,
    o.len ?? 0,
    bit('S'),
    bit('A'),
    bit('F'),
    bit('R'),
    o.win ?? 1000,
    o.re ? '1' : '',
    o.zw ? '1' : '',
  ].join('\t');
};
const flowsOf = (lines: string[]) => aggregateFlows('c', parseTsharkFields(lines.join('\n')));
const C = '198.18.5.1:40000';
const S = '198.18.5.2:7000';

describe('tshark field output', () => {
  it('asks tshark for exactly the parsed columns, IPv4 TCP outside ICMP errors, first occurrence', () => {
    const args = tsharkArgs('x.pcap');
    assert.deepEqual(
      args.filter((_, i) => args[i - 1] === '-e'),
      [...TSHARK_FIELDS],
    );
    assert.ok(args.includes('occurrence=f'));
    assert.equal(args[args.indexOf('-Y') + 1], 'tcp && ip && !icmp');
  });

  it('parses real lines: epoch to ms, endpoints, flags, the analysis flags as presence', () => {
    const packets = parseTsharkFields(fixture('link-flap-outage.tsv'));
    assert.equal(packets.length, 285);
    const retrans = packets.filter((p) => p.retransmission);
    assert.ok(retrans.length >= 1 && retrans.every((p) => p.src === '198.18.5.2:7000'));
    assert.equal(packets[0]!.stream, 0);
    assert.ok(Math.abs(packets[0]!.tMs - 1796461613.6 * 1000) < 2000);
  });

  it('reads tshark 4.2 booleans (True/False) as well', () => {
    const p = parseTsharkFields(line(1, C, S, { flags: 'SA' }).replace(/\t1\t1\t0\t0\t/, '\tTrue\tTrue\tFalse\tFalse\t'))[0]!;
    assert.deepEqual([p.syn, p.ack, p.fin, p.rst], [true, true, false, false]);
  });

  it('refuses a line with missing columns or a non-number, naming source and line', () => {
    assert.throws(
      () => parseTsharkFields(`${line(1, C, S)}\n1.0\t0\n`, 'x.pcap'),
      (e: unknown) => {
        assert.ok(e instanceof TsharkOutputError);
        assert.match(e.message, /^x\.pcap:2: 2 columns, want 15/);
        return true;
      },
    );
    assert.throws(
      () => parseTsharkFields(line(1, C, S).replace('\t40000\t', '\tabc\t'), 'y.pcap'),
      /y\.pcap:1: tcp\.srcport is "abc", not a number/,
    );
  });
});

describe('flow aggregation', () => {
  it('link flap at the client: one s2c payload gap of 2555 ms, as the probe measured (2555 ms)', () => {
    const [flow, ...rest] = aggregateFlows('cli:eth1', parseTsharkFields(fixture('link-flap-outage.tsv')));
    assert.equal(rest.length, 0);
    assert.equal(flow!.client, '198.18.5.1:59422');
    assert.equal(flow!.server, '198.18.5.2:7000');
    assert.equal(flow!.opened, false, 'the cut starts after the handshake');
    assert.deepEqual(flow!.s2c.gaps, [{ startMs: 1796461613602.196, endMs: 1796461616157.027 }]);
    assert.equal(flow!.s2c.maxGapMs, 2554.831);
    assert.equal(flow!.s2c.resets + flow!.c2s.resets, 0);
    assert.ok(flow!.s2c.retransmissions >= 1);
    assert.equal(flow!.reconnect, false);
  });

  it('server kill: the old flow is reset, refused attempts are not established, the new flow is a reconnect', () => {
    const flows = aggregateFlows('cli:eth1', parseTsharkFields(fixture('server-kill-reconnect.tsv')));
    assert.deepEqual(
      flows.map((f) => [f.stream, f.established, f.reconnect, f.resetMs !== undefined]),
      [
        [0, true, false, true],
        [4, false, false, true],
        [28, true, true, false],
      ],
    );
    assert.equal(flows[0]!.s2c.resets, 1, 'the killed server side sent the RST');
    assert.equal(flows[2]!.opened, true);
  });

  it('counts only data beyond what was seen as new: a retransmission of seen bytes neither ends a gap nor adds bytes', () => {
    const [f] = flowsOf([
      line(0.0, C, S, { flags: 'S', seq: 0 }),
      line(0.001, S, C, { flags: 'SA', seq: 0 }),
      line(0.1, S, C, { seq: 1, len: 100 }),
      line(0.3, S, C, { seq: 1, len: 100, re: true }),
      line(0.6, S, C, { seq: 101, len: 50 }),
      line(0.65, S, C, { seq: 151, len: 50 }),
    ]);
    assert.equal(f!.s2c.newBytes, 200);
    assert.equal(f!.s2c.retransmissions, 1);
    assert.equal(Math.round(f!.s2c.maxGapMs), 500);
    assert.equal(f!.s2c.gaps.length, 1, `only the 500 ms interval exceeds ${FLOW_GAP_THRESHOLD_MS} ms`);
    assert.equal(f!.opened && f!.established, true);
  });

  it("a zero window lasts from the advertisement to the same side's next non-zero window; one still open ends with the flow", () => {
    const [f] = flowsOf([
      line(1.0, S, C, { seq: 1, len: 1000 }),
      line(1.2, C, S, { win: 0, zw: true }),
      line(1.5, C, S, { win: 0 }),
      line(1.7, C, S, { win: 4000 }),
      line(1.8, S, C, { seq: 1001, len: 1000 }),
      line(2.0, C, S, { win: 0, zw: true }),
      line(2.25, S, C, { seq: 2001, len: 1 }),
    ]);
    assert.deepEqual(
      f!.c2s.zeroWindows.map((z) => Math.round(z.endMs - z.startMs)),
      [500, 250],
    );
    assert.equal(f!.s2c.zeroWindows.length, 0);
    assert.equal(f!.client, C, 'no SYN: the higher port is the client');
  });

  it('parallel flows to one service are not reconnects; a flow opened after one ended is; another client host is not', () => {
    const other = '198.18.5.9:40002';
    const c1 = '198.18.5.1:40001';
    const c3 = '198.18.5.1:40003';
    const flows = flowsOf([
      line(0.0, C, S, { flags: 'S' }),
      line(0.001, S, C, { flags: 'SA' }),
      line(0.002, c1, S, { flags: 'S', stream: 1 }),
      line(0.003, S, c1, { flags: 'SA', stream: 1 }),
      line(1.0, S, C, { flags: 'AR' }),
      line(1.5, other, S, { flags: 'S', stream: 2 }),
      line(1.501, S, other, { flags: 'SA', stream: 2 }),
      line(2.0, c3, S, { flags: 'S', stream: 3 }),
      line(2.001, S, c3, { flags: 'SA', stream: 3 }),
    ]);
    assert.deepEqual(
      flows.map((f) => [f.stream, f.reconnect]),
      [
        [0, false],
        [1, false],
        [2, false],
        [3, true],
      ],
    );
  });
});
