import { strict as assert } from 'node:assert';
import { runCheckers } from '../../../../src/orchestrator/checker/checker.js';
import { scenarioCheckers } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { buildRepeatReport, buildRunReport } from '../../../../src/orchestrator/report/build-report.js';
import { consoleSummary } from '../../../../src/orchestrator/report/console-summary.js';
import { reportHtml } from '../../../../src/orchestrator/report/report-html.js';
import type { RunHistory } from '../../../../src/orchestrator/history/history-types.js';
import { history, summary } from '../fixtures.js';

const transparentRun = (histories: RunHistory[]) =>
  buildRunReport({
    scenario: 'takeover',
    file: 'scenarios/t.yml',
    seed: 1,
    startedAt: '2026-01-01T00:00:00Z',
    repeats: histories.map((h, i) => {
      const checks = runCheckers(scenarioCheckers('transparent', { bytesLost: 0 }), h).results;
      return buildRepeatReport({ index: i + 1, seed: 1 + i, history: h, checks });
    }),
  });
const kept = history([], [summary()]);
const reconnected = history([], [summary({ reconnects: 1, resets: 1, connections: [] })]);

describe('the survival class in the report', () => {
  it('report.json carries the class and its verdict per repeat and over the run', () => {
    const report = transparentRun([kept, reconnected, kept]);
    assert.deepEqual(
      report.repeats.map((r) => [r.survivalClass?.expect, r.survivalClass?.valid, r.passed]),
      [
        ['transparent', true, true],
        ['transparent', false, false],
        ['transparent', true, true],
      ],
    );
    assert.equal(report.survivalClass?.valid, false);
    assert.match(report.survivalClass.detail, /^1 of 3 repeats, e\.g\. #2: 1 of 1 streams broke the class/);
    assert.equal(transparentRun([kept, kept]).survivalClass?.valid, true);
  });

  it('the console prints it under the verdict line', () => {
    const [verdict, survival] = consoleSummary(transparentRun([reconnected])).split('\n');
    assert.match(verdict!, /^FAIL {2}takeover/);
    const why = '1 of 1 streams broke the class: web/client1#0: resets 1, reconnects 1, 0 connections';
    assert.equal(survival, `  expect: transparent — not held (${why})`);
    const held = consoleSummary(transparentRun([kept])).split('\n')[1]!;
    assert.match(held, /expect: transparent — held \(each of 1 streams kept its first connection/);
  });

  it('the HTML page shows it near the top, escaped', () => {
    const html = reportHtml(transparentRun([reconnected]));
    const line = /<p class="survival">expect: <b>transparent<\/b> — <span class="v-false">not held<\/span>.*?<\/p>/.exec(html);
    assert.ok(line, 'no survival line');
    assert.ok(html.indexOf(line[0]) < html.indexOf('<h2'), 'the line is not above the repeats');
  });

  it('a repeat with no checks at all does not pass', () => {
    assert.equal(buildRepeatReport({ index: 1, seed: 1, history: kept, checks: [] }).passed, false);
  });
});
