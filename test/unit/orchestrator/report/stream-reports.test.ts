import { strict as assert } from 'node:assert';
import { buildRepeatReport, buildRunReport } from '../../../../src/orchestrator/report/build-report.js';
import { consoleSummary } from '../../../../src/orchestrator/report/console-summary.js';
import { faultReports, streamReports } from '../../../../src/orchestrator/report/stream-reports.js';
import { T0, fault, history, summary } from '../fixtures.js';

describe('stream and fault reports', () => {
  it('keeps the per-stream figures and the connection count', () => {
    const [r] = streamReports(history([], [summary({ stream: 2, failed: true, failReason: 'reset', firstBadOffset: 99, resets: 1 })]));
    assert.equal(r!.stream, 2);
    assert.equal(r!.connections, 1);
    assert.equal(r!.failReason, 'reset');
    assert.equal(r!.firstBadOffset, 99);
    assert.ok(!('connections' in r! && Array.isArray(r.connections)));
  });

  it('carries reordering and failed handshakes when the probe counted them (absent for older probes)', () => {
    const streams = [summary({ stream: 1, bytesReordered: 512, handshakeFailures: 2 }), summary({ stream: 2 })];
    const [r, old] = streamReports(history([], streams));
    assert.deepEqual([r!.bytesReordered, r!.handshakeFailures], [512, 2]);
    assert.ok(!('bytesReordered' in old!) && !('handshakeFailures' in old!));
  });

  it('pairs fault start/end by id; keeps unhealed faults open and orphan ends visible', () => {
    const h = history([
      fault(T0 + 1000, 'start', 'a'),
      fault(T0 + 2000, 'start', 'b', 'partition', ['lb1', 'lb2']),
      fault(T0 + 3000, 'end', 'a'),
      fault(T0 + 4000, 'end', 'c', 'crash', ['x']),
    ]);
    const faults = faultReports(h);
    assert.deepEqual(
      faults.map((f) => [f.id, f.startMs - T0, f.endMs === undefined ? undefined : f.endMs - T0]),
      [
        ['c', 0, 4000],
        ['a', 1000, 3000],
        ['b', 2000, undefined],
      ],
    );
    assert.deepEqual(faults[2]!.targets, ['lb1', 'lb2']);
    assert.match(faults[0]!.detail!, /start not recorded/);
  });

  it('a repeat passes only when it ran and every check is true', () => {
    const h = history([], [summary()]);
    const ok = buildRepeatReport({ index: 1, seed: 1, history: h, checks: [{ name: 'a', valid: true, detail: '' }] });
    const unknown = buildRepeatReport({ index: 2, seed: 1, history: h, checks: [{ name: 'a', valid: 'unknown', detail: '' }] });
    const errored = buildRepeatReport({ index: 3, seed: 1, history: h, checks: [], error: 'boom' });
    assert.deepEqual([ok.passed, unknown.passed, errored.passed], [true, false, false]);
    assert.equal(ok.history, 'repeat-1/history.jsonl');
    assert.equal(buildRunReport({ scenario: 's', file: 'f', seed: 1, startedAt: 'x', repeats: [ok] }).passed, true);
    assert.equal(buildRunReport({ scenario: 's', file: 'f', seed: 1, startedAt: 'x', repeats: [ok, unknown] }).passed, false);
    assert.equal(buildRunReport({ scenario: 's', file: 'f', seed: 1, startedAt: 'x', repeats: [] }).passed, false);
  });

  it('console summary: one line per check merged over repeats, and the figures', () => {
    const h = history([], [summary({ maxGapMs: 1800, resets: 1 })]);
    const r1 = buildRepeatReport({
      index: 1,
      seed: 1,
      history: h,
      checks: [
        { name: 'max-gap', valid: true, detail: 'worst 1800 ms' },
        { name: 'resets', valid: true, detail: 'ok' },
      ],
    });
    const r2 = buildRepeatReport({
      index: 2,
      seed: 2,
      history: h,
      checks: [
        { name: 'max-gap', valid: true, detail: 'worst 1800 ms' },
        { name: 'resets', valid: false, detail: '1 reset' },
      ],
    });
    const r3 = buildRepeatReport({
      index: 3,
      seed: 3,
      history: h,
      checks: [
        { name: 'max-gap', valid: 'unknown', detail: 'no streams' },
        { name: 'resets', valid: true, detail: 'ok' },
      ],
    });
    const text = consoleSummary(
      buildRunReport({ scenario: 'arp-ha', file: 'f', seed: 1, startedAt: 'x', repeats: [r1, r2, r3] }),
      '/tmp/r/report.html',
    );
    const lines = text.split('\n');
    assert.equal(lines[0], 'FAIL  arp-ha  seed 1  1/3 repeats passed');
    assert.equal(lines[1], '  ? max-gap: (1/3 repeats, e.g. #3) no streams');
    assert.equal(lines[2], '  ✖ resets: (1/3 repeats, e.g. #2) 1 reset');
    assert.match(text, /maxGapMs\s+1800\s+1800\s+1800/);
    assert.equal(lines[lines.length - 1], 'report: /tmp/r/report.html');
    const single = consoleSummary(buildRunReport({ scenario: 'x', file: 'f', seed: 1, startedAt: 'x', repeats: [r1] }));
    assert.match(single, /^PASS {2}x/);
    assert.match(single, /✔ max-gap: worst 1800 ms/);
    assert.match(single, /1 streams: max gap 1800 ms, resets 1/);
  });
});
