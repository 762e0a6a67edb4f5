import { strict as assert } from 'node:assert';
import { comparisonHtml, comparisonRows } from '../../../../src/orchestrator/report/comparison.js';
import type { RunReport } from '../../../../src/orchestrator/report/report-types.js';

const run = (scenario: string, passed: boolean[], maxGap: { p50: number; p95: number; max: number }): RunReport => ({
  scenario,
  file: `/s/${scenario}.yml`,
  seed: 1,
  startedAt: '2026-11-22T00:00:00Z',
  passed: passed.every(Boolean),
  repeats: passed.map((p, i) => ({
    index: i + 1,
    seed: 1 + i,
    passed: p,
    startMs: 0,
    endMs: 1,
    streams: [],
    faults: [],
    checks: [],
    pcaps: [],
    history: '',
  })),
  aggregate: { maxGapMs: maxGap, resets: { p50: 0, p95: 0, max: 0 } },
});

describe('comparison report', () => {
  const rows = comparisonRows([
    { report: run('arp-ha-fast-fail', [true, true], { p50: 376, p95: 399, max: 404 }), dir: '../arp-ha-fast-fail/x' },
    { report: run('keepalived<crash>', [true, false], { p50: 5038, p95: 5060, max: 5062 }), dir: '../keepalived/y' },
  ]);
  it('summarises each run by repeats passed and p50/p95/max per figure', () => {
    assert.deepEqual([rows[0]!.passed, rows[0]!.repeats, rows[0]!.figures.maxGapMs], [2, 2, { p50: 376, p95: 399, max: 404 }]);
    assert.equal(rows[1]!.passed, 1);
    assert.equal(rows[0]!.figures.bytesLost, undefined);
  });
  it('renders one escaped table linking each full report, failing rows marked', () => {
    const html = comparisonHtml(rows);
    assert.match(html, /<a href="\.\.\/arp-ha-fast-fail\/x\/report\.html">arp-ha-fast-fail<\/a>/);
    assert.match(html, /376 \/ 399 \/ 404/);
    assert.match(html, /5,038 \/ 5,060 \/ 5,062/);
    assert.match(html, /keepalived&lt;crash&gt;/);
    assert.match(html, /<tr class="bad">/);
    assert.match(html, /class="badge fail"/);
  });
});
