import { strict as assert } from 'node:assert';
import { buildRunReport } from '../../../../src/orchestrator/report/build-report.js';
import { flakyNote, isFlakyRepeat } from '../../../../src/orchestrator/report/flaky.js';
import { junitXml } from '../../../../src/orchestrator/report/junit.js';
import { reportHtml } from '../../../../src/orchestrator/report/report-html.js';
import type { RepeatReport } from '../../../../src/orchestrator/report/report-types.js';
import { xmlProblems } from './xml-check.js';

type Attempts = RepeatReport['failedAttempts'];
const repeat = (index: number, passed: boolean, failedAttempts?: Attempts): RepeatReport => ({
  index,
  seed: index,
  passed,
  startMs: 0,
  endMs: 5000,
  streams: [],
  faults: [],
  pcaps: [],
  history: `repeat-${index}/history.jsonl`,
  checks: [{ name: 'max-gap ≤ 500 ms', valid: passed, detail: passed ? 'max gap 300 ms' : 'max gap 700 ms' }],
  ...(failedAttempts ? { failedAttempts } : {}),
});
const gapCheck = { name: 'max-gap ≤ 500 ms', valid: false as const, detail: 'max gap 512 ms <s1>' };
const once = [{ attempt: 1, failing: [gapCheck], dir: 'attempts/repeat-1-attempt-1' }];
const base = { scenario: 'arp', file: 'a.yml', seed: 1, startedAt: 'x' };
const twice = [...once, { attempt: 2, failing: [], error: 'deploy timed out', dir: 'attempts/repeat-1-attempt-2' }];

describe('flaky repeats', () => {
  it('a repeat is flaky only when it passed after a failed attempt', () => {
    assert.equal(isFlakyRepeat(repeat(1, true, once)), true);
    assert.equal(isFlakyRepeat(repeat(1, true)), false);
    assert.equal(isFlakyRepeat(repeat(1, true, [])), false);
    assert.equal(isFlakyRepeat(repeat(1, false, once)), false, 'failing every attempt is a failure, not flaky');
  });

  it('says how often and why the repeat failed before', () => {
    assert.equal(flakyNote(repeat(1, true, once)), 'repeat #1 failed once: max-gap ≤ 500 ms: max gap 512 ms <s1>');
    assert.equal(flakyNote(repeat(1, true, twice)), 'repeat #1 failed twice: max-gap ≤ 500 ms: max gap 512 ms <s1>');
  });

  it('marks the run flaky only when it passed and a repeat needed a rerun', () => {
    assert.equal(buildRunReport({ ...base, repeats: [repeat(1, true, once), repeat(2, true)] }).flaky, true);
    assert.equal(buildRunReport({ ...base, repeats: [repeat(1, true), repeat(2, true)] }).flaky, undefined);
    assert.equal(buildRunReport({ ...base, repeats: [repeat(1, true, once), repeat(2, false)] }).flaky, undefined);
  });

  describe('in JUnit', () => {
    const run = buildRunReport({ ...base, repeats: [repeat(1, true, twice), repeat(2, true)] });
    const xml = junitXml(run);
    const testcase = (n: number) => {
      const start = xml.indexOf(`<testcase name="arp #${n}"`);
      return xml.slice(start, xml.indexOf('</testcase>', start));
    };

    it('stays well-formed and counts a flaky repeat as passed', () => {
      assert.deepEqual(xmlProblems(xml), []);
      assert.match(xml, /<testsuites name="failover-lab" tests="2" failures="0" errors="0">/);
      assert.doesNotMatch(xml, /<failure|<error /);
      assert.match(xml, /<property name="flaky" value="1"\/>/);
    });

    it('puts one flakyFailure or flakyError per failed attempt inside the flaky testcase, with its report', () => {
      const one = testcase(1);
      assert.ok(
        one.includes(
          '<flakyFailure message="attempt 1 of repeat #1 failed: max-gap ≤ 500 ms: max gap 512 ms &lt;s1&gt;" ' + 'type="CheckFailed">',
        ),
        one,
      );
      assert.match(one, /✖ max-gap ≤ 500 ms: max gap 512 ms &lt;s1&gt;\nreport: attempts\/repeat-1-attempt-1\/report.html/);
      assert.ok(
        one.includes(
          '<flakyError message="attempt 2 of repeat #1 failed: did not run to the end: deploy timed out" ' + 'type="RepeatError">',
        ),
        one,
      );
      assert.doesNotMatch(testcase(2), /flaky/);
    });
  });

  describe('in report.html', () => {
    it("shows a FLAKY badge, the failed attempt's failing checks and a link to its report", () => {
      const html = reportHtml(buildRunReport({ ...base, repeats: [repeat(1, true, once), repeat(2, true)] }));
      assert.match(html, /<h1>arp <span class="badge pass">PASS<\/span> <span class="badge"[^>]*>FLAKY<\/span><\/h1>/);
      assert.match(html, /Repeat #1 <span class="badge pass">PASS<\/span> <span class="badge"[^>]*>FLAKY</);
      assert.doesNotMatch(html, /Repeat #2 <span class="badge pass">PASS<\/span> <span/);
      const link = '<a href="attempts/repeat-1-attempt-1/report.html">';
      assert.ok(html.includes(`attempt 1 failed: max-gap ≤ 500 ms: max gap 512 ms &lt;s1&gt; · ${link}`), html);
      assert.match(html, /passed on attempt 2/);
    });

    it('shows no FLAKY badge on a run without reruns', () => {
      const html = reportHtml(buildRunReport({ ...base, repeats: [repeat(1, true)] }));
      assert.doesNotMatch(html, /FLAKY/);
    });
  });
});
