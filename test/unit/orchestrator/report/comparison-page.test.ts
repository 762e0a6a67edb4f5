import { strict as assert } from 'node:assert';
import { gapChart, keptChart, runColour } from '../../../../src/orchestrator/report/comparison-charts.js';
import { repeatFigures, runVerdict } from '../../../../src/orchestrator/report/comparison-verdict.js';
import { comparisonHtml, comparisonRows } from '../../../../src/orchestrator/report/comparison.js';
import type { RepeatReport, RunReport, StreamReport } from '../../../../src/orchestrator/report/report-types.js';

const stream = (n: number, o: Partial<StreamReport>): StreamReport => ({
  workload: 'main',
  node: 'cl1',
  stream: n,
  direction: 's2c',
  maxGapMs: 0,
  gaps: [],
  resets: 0,
  reconnects: 0,
  eofs: 0,
  timeouts: 0,
  bytes: 1e6,
  bytesLost: 0,
  bytesDuplicated: 0,
  bytesCorrupt: 0,
  failed: false,
  connections: 1,
  ...o,
});
const repeat = (index: number, streams: StreamReport[], error?: string): RepeatReport => ({
  index,
  seed: index,
  passed: error === undefined,
  startMs: 0,
  endMs: 1,
  streams,
  faults: [],
  checks: [],
  pcaps: [],
  history: '',
  ...(error !== undefined ? { error } : {}),
});
const run = (scenario: string, repeats: RepeatReport[]): RunReport => ({
  scenario,
  file: `/s/${scenario}.yml`,
  seed: 1,
  startedAt: '2026-12-04T00:00:00Z',
  passed: repeats.every((r) => r.passed),
  repeats,
  aggregate: {},
});

const takeover = run('arp-ha-transparent-takeover', [
  repeat(
    1,
    [1, 2, 3, 4].map((n) => stream(n, { maxGapMs: 250 + n * 15 })),
  ),
]);
const baseline = run('keepalived <crash> & "s2c"', [
  repeat(
    1,
    [1, 2, 3, 4].map((n) => stream(n, { maxGapMs: 5000 + n, reconnects: 1, timeouts: 1, connections: 2 })),
  ),
]);

describe('comparison page: verdicts', () => {
  it('says how many connections were kept, what was lost and the longest gap', () => {
    assert.equal(runVerdict(takeover).line, 'arp-ha-transparent-takeover: kept 4 of 4 connections, 0 bytes lost, longest gap 0.31 s');
  });
  it('names the damage of a run that lost its connections', () => {
    assert.equal(
      runVerdict(baseline).line,
      'keepalived <crash> & "s2c": kept 0 of 4 connections, 0 bytes lost, longest gap 5.00 s — 4 reconnects',
    );
  });
  it('counts resets, failed streams, lost bytes and repeats that could not run, over every repeat', () => {
    const r = run('x', [
      repeat(1, [stream(1, { resets: 1, connections: 2, bytesLost: 10 }), stream(2, { failed: true })]),
      repeat(2, [], 'deploy failed'),
    ]);
    const v = runVerdict(r);
    assert.deepEqual([v.kept, v.streams, v.resets, v.failed, v.bytesLost], [0, 2, 1, 1, 10]);
    assert.equal(
      v.line,
      'x: kept 0 of 2 connections over 2 repeats, 10 bytes lost, longest gap 0.00 s — 1 reset, 1 stream failed, 1 repeat could not run',
    );
  });
  it('judges a stream without a connection count by its resets and reconnects', () => {
    const { connections: _, ...old } = stream(1, { reconnects: 1 });
    assert.equal(repeatFigures(repeat(1, [old, stream(2, {})])).kept, 1);
  });
});

describe('comparison page: charts', () => {
  const charts = [takeover, baseline].map((r) => ({ scenario: r.scenario, repeats: r.repeats.map(repeatFigures) }));
  it("draws one bar per run and repeat in the run's colour, tallest for the longer gap, and a dot per stream", () => {
    const svg = gapChart(charts);
    const bars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="(#[0-9A-F]{6})"><title>/g)];
    assert.deepEqual(
      bars.map((b) => b[3]),
      [runColour(0), runColour(1)],
    );
    assert.ok(Number(bars[1]![2]) > 10 * Number(bars[0]![2]), svg);
    assert.equal(svg.match(/<circle /g)?.length, 8);
    assert.match(svg, />0.31 s</);
    assert.match(svg, /keepalived &lt;crash&gt; &amp; &quot;s2c&quot;/);
    assert.doesNotMatch(svg, /<crash>/);
  });
  it('marks a repeat that could not run instead of drawing a zero bar', () => {
    const svg = gapChart([{ scenario: 'x', repeats: [repeatFigures(repeat(1, [], 'boom'))] }]);
    assert.match(svg, /did not run/);
    assert.doesNotMatch(svg, /<rect [^>]*><title>/);
  });
  it("fills the kept share of connections in the run's colour", () => {
    const svg = keptChart(charts);
    assert.match(svg, /kept 4 of 4/);
    assert.match(svg, /kept 0 of 4/);
    const solid = [...svg.matchAll(/<rect [^>]*fill="(#[0-9A-F]{6})"(?! fill-opacity)[^>]*>/g)].filter(
      (m) => !m[0].includes('fill-opacity'),
    );
    assert.deepEqual(
      solid.map((m) => m[1]),
      [runColour(0)],
    );
  });
});

describe('comparison page: the whole page', () => {
  const html = comparisonHtml(
    comparisonRows([
      { report: takeover, dir: 'a' },
      { report: baseline, dir: 'b' },
    ]),
  );
  it('leads with one escaped verdict line per run, then both charts, then the figures', () => {
    const order = [
      'class="verdicts"',
      'kept 4 of 4 connections',
      'keepalived &lt;crash&gt; &amp; &quot;s2c&quot;: kept 0 of 4',
      'class="chart gaps"',
      'class="chart kept"',
      '<table>',
    ];
    const at = order.map((s) => html.indexOf(s));
    assert.ok(
      at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!)),
      JSON.stringify(at),
    );
    assert.doesNotMatch(html, /<crash>/);
  });
  it('is self-contained: no script, no external asset', () => {
    assert.doesNotMatch(html, /<script|<link |src="http|url\(http/);
  });
});
