import { strict as assert } from 'node:assert';
import { ChecksConfigSchema, checksFromConfig } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import type { FlowDirection, FlowSummary, RunHistory } from '../../../../src/orchestrator/history/history-types.js';
import { parseHistory, serializeHistory } from '../../../../src/orchestrator/history/history-store.js';
import { describeChecks } from '../../../../src/orchestrator/scenario/scenario-catalog.js';
import { T0, fault, history, summary } from '../fixtures.js';

const dir = (gaps: [number, number][] = [], over: Partial<FlowDirection> = {}): FlowDirection => ({
  newBytes: 1000,
  retransmissions: 0,
  maxGapMs: gaps.reduce((m, [s, e]) => Math.max(m, e - s), 20),
  gaps: gaps.map(([startMs, endMs]) => ({ startMs, endMs })),
  zeroWindows: [],
  fins: 0,
  resets: 0,
  ...over,
});

const flow = (stream: number, over: Partial<FlowSummary> = {}): FlowSummary => ({
  capture: 'cli:eth1',
  stream,
  client: `198.18.5.1:${40000 + stream}`,
  server: '198.18.5.2:7000',
  firstMs: T0,
  lastMs: T0 + 8000,
  opened: true,
  established: true,
  reconnect: false,
  c2s: dir(),
  s2c: dir(),
  ...over,
});

const withFlows = (flows: FlowSummary[] | undefined, faults = [fault(T0 + 2000, 'start'), fault(T0 + 4000, 'end')]): RunHistory => {
  const h = history(faults);
  return flows === undefined ? h : { ...h, flows };
};

describe('flow checks', () => {
  const flows = [
    flow(0, { s2c: dir([[T0 + 2050, T0 + 4600]]) }),
    flow(1, { s2c: dir([[T0 + 2050, T0 + 4500]]) }),
    flow(2, { s2c: dir([[T0 + 500, T0 + 1200]]), c2s: dir([[T0 + 2100, T0 + 2400]]) }),
    flow(3, { established: false, resetMs: T0 + 2500, s2c: dir([], { resets: 1 }) }),
  ];

  it('flowGap: the longest gap of every established flow, either direction, against the bound', () => {
    const pass = Checks.flowGap({ maxMs: 2600 }).check(withFlows(flows));
    assert.equal(pass.valid, true, pass.detail);
    assert.match(
      pass.detail,
      /longest payload gap of 3 flows: 2550 ms \(worst cli:eth1 198\.18\.5\.1:40000→198\.18\.5\.2:7000: 2550 ms\) ≤ limit 2600 ms/,
    );
    const fail = Checks.flowGap({ maxMs: 2500 }).check(withFlows(flows));
    assert.equal(fail.valid, false);
    assert.match(fail.detail, /2550 ms\) > limit 2500 ms/);
  });

  it('flowGap: a percentile, one direction, and since a fault (gaps ending before it do not count)', () => {
    const p50 = Checks.flowGap({ maxMs: 2450, percentile: 50 }).check(withFlows(flows));
    assert.equal(p50.valid, true, p50.detail);
    assert.match(p50.detail, /p50 of the longest payload gaps of 3 flows: 2450 ms/);
    const c2sSince = Checks.flowGap({ maxMs: 300, direction: 'c2s', since: 'flap-1' }).check(withFlows(flows));
    assert.equal(c2sSince.valid, true, c2sSince.detail);
    const s2cEarly = withFlows([flow(2, { s2c: dir([[T0 + 500, T0 + 1200]]) })]);
    assert.equal(Checks.flowGap({ maxMs: 100, since: 'link-flap' }).check(s2cEarly).valid, true);
    assert.equal(Checks.flowGap({ maxMs: 100 }).check(s2cEarly).valid, false);
  });

  it('flowGap is unknown without measured flows, without a matching flow, or without the named fault', () => {
    assert.match(
      Checks.flowGap({ maxMs: 1 }).check(withFlows(undefined)).detail,
      /no flows were measured: the scenario needs capture\.links/,
    );
    const none = Checks.flowGap({ maxMs: 1, server: '198.18.9.9:22' }).check(withFlows(flows));
    assert.deepEqual([none.valid, none.detail], ['unknown', 'no established TCP flow to 198.18.9.9:22 in the captures']);
    assert.equal(Checks.flowGap({ maxMs: 1, since: 'crash' }).check(withFlows(flows)).valid, 'unknown');
  });

  it('flowResets counts established flows that saw a RST; a refused attempt is no reset', () => {
    assert.equal(Checks.flowResets({ max: 0 }).check(withFlows(flows)).valid, true);
    const reset = [...flows, flow(4, { resetMs: T0 + 2100 })];
    const r = Checks.flowResets({ max: 0 }).check(withFlows(reset));
    assert.equal(r.valid, false);
    assert.match(r.detail, /^1 of 4 established flows were reset \(cli:eth1 198\.18\.5\.1:40004→198\.18\.5\.2:7000\); want ≤ 0$/);
  });

  it('flowReconnects bounds the reconnects from both sides and by capture point', () => {
    const re = [...flows, flow(5, { reconnect: true }), flow(6, { reconnect: true, capture: 'srv:eth1' })];
    assert.equal(Checks.flowReconnects({ min: 2, max: 2 }).check(withFlows(re)).valid, true);
    assert.equal(Checks.flowReconnects({ min: 2 }).check(withFlows(re.slice(0, 5))).valid, false);
    const atCli = Checks.flowReconnects({ max: 1, capture: 'cli:eth1' });
    assert.equal(atCli.name, 'flow-reconnects (at cli:eth1)');
    assert.equal(atCli.check(withFlows(re)).valid, true);
  });

  it('the checks: keys build them, refuse bad scopes, and the catalog describes them', () => {
    const config = ChecksConfigSchema.parse({
      flowGap: [{ maxMs: 3000 }, { maxMs: 2600, percentile: 95, since: 'link-flap', direction: 's2c', server: '198.18.5.2:7000' }],
      flowResets: 0,
      flowReconnects: { min: 1, max: 4, capture: 'cli:eth1' },
    });
    assert.deepEqual(
      checksFromConfig(config).map((c) => c.name),
      ['flow-gap', 'flow-gap-p95-s2c (to 198.18.5.2:7000)', 'flow-resets', 'flow-reconnects (at cli:eth1)'],
    );
    assert.deepEqual(describeChecks(config), [
      "every captured flow's longest payload gap ≤ 3 s",
      "p95 of the captured flows' longest s2c payload gap (to 198.18.5.2:7000, since link-flap) ≤ 2.6 s",
      'captured flows reset = 0',
      'captured flows reconnecting 1–4 (at cli:eth1)',
    ]);
    const bad = ChecksConfigSchema.safeParse({ flowResets: { max: 0, server: 'srv:7000' }, flowGap: { maxMs: 1, direction: 'up' } });
    assert.equal(bad.success, false);
    const messages = bad.success ? [] : bad.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.ok(
      messages.some((m) => m.startsWith('flowResets') && /an ip:port like 198\.18\.5\.2:7000/.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => m.startsWith('flowGap')),
      messages.join('\n'),
    );
  });

  it('history.jsonl keeps the flows', () => {
    const h = withFlows(flows);
    assert.deepEqual(parseHistory(serializeHistory(h)).flows, flows);
    assert.equal(parseHistory(serializeHistory(withFlows(undefined))).flows, undefined);
  });
});

describe('flow matches probe (trust in the flow figures)', () => {
  const stream = (n: number, gap: [number, number] | undefined, connections = 1) =>
    summary({
      stream: n,
      connections: Array.from({ length: connections }, (_, i) => ({
        localAddress: '198.18.5.1',
        localPort: 40000 + n + 100 * i,
        remoteAddress: '198.18.5.2',
        remotePort: 7000,
      })),
      gaps: gap ? [{ startMs: gap[0], endMs: gap[1] }] : [],
    });
  const h = (streams: ReturnType<typeof stream>[], flows: FlowSummary[]): RunHistory => ({ ...history([], streams), flows });

  it('pairs each probe gap with its connection flow gap in the data direction and reports the spread', () => {
    const r = Checks.flowMatchesProbe({ toleranceMs: 5 }).check(
      h(
        [stream(0, [T0 + 2000, T0 + 4555]), stream(1, [T0 + 2000, T0 + 4500])],
        [
          flow(0, { s2c: dir([[T0 + 1999.7, T0 + 4555]]) }),
          flow(1, { s2c: dir([[T0 + 2001, T0 + 4503]]), c2s: dir([[T0 + 2000, T0 + 4500]]) }),
        ],
      ),
    );
    assert.deepEqual(
      [r.valid, r.detail],
      [true, '2 of 2 probe gaps paired with a flow gap: |flow − probe| p50 1.2 ms, p95 1.9 ms, max 2.0 ms ≤ tolerance 5 ms'],
    );
  });

  it('fails when a gap differs by more than the tolerance or has no flow gap; skips gaps spanning a reconnect', () => {
    const off = Checks.flowMatchesProbe({ toleranceMs: 5 }).check(
      h([stream(0, [T0, T0 + 1000])], [flow(0, { s2c: dir([[T0, T0 + 1006]]) })]),
    );
    assert.equal(off.valid, false);
    assert.match(off.detail, /max 6\.0 ms > tolerance 5 ms/);
    const missing = Checks.flowMatchesProbe({ toleranceMs: 5 }).check(h([stream(0, [T0, T0 + 1000])], [flow(0)]));
    assert.equal(missing.valid, false);
    assert.match(missing.detail, /no flow gap for web\/\S* ?.*1000 ms/);
    const spanning = Checks.flowMatchesProbe({ toleranceMs: 5 }).check(h([stream(0, [T0, T0 + 1000], 2)], [flow(0)]));
    assert.deepEqual(
      [spanning.valid, spanning.detail],
      ['unknown', 'no probe gap to compare with the flows; 1 gaps spanning a reconnect not compared'],
    );
  });
});
