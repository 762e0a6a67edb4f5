import { strict as assert } from 'node:assert';
import { junitXml } from '../../../../src/orchestrator/report/junit.js';
import type { RunReport } from '../../../../src/orchestrator/report/report-types.js';
import { escapeXml } from '../../../../src/orchestrator/report/xml-escape.js';
import { xmlProblems } from './xml-check.js';

const run: RunReport = {
  scenario: 'nat <move> & "drain"',
  file: 'scenarios/a&b.yml',
  seed: 7,
  startedAt: '2024-05-01T10:00:00Z',
  passed: false,
  aggregate: {},
  repeats: [
    {
      index: 1,
      seed: 7,
      passed: true,
      startMs: 0,
      endMs: 12_500,
      streams: [],
      faults: [],
      pcaps: [],
      history: 'repeat-1/history.jsonl',
      checks: [{ name: 'max-gap', valid: true, detail: 'worst 100 ms' }],
    },
    {
      index: 2,
      seed: 8,
      passed: false,
      startMs: 0,
      endMs: 10_000,
      streams: [],
      faults: [],
      pcaps: [],
      history: 'repeat-2/history.jsonl',
      checks: [
        { name: 'resets', valid: false, detail: '1 of 2 streams not ≤ 0: <c1> = 2' },
        { name: 'owner <VIP>', valid: 'unknown', detail: 'checker threw: bad \u0007 byte \u001b[31mred\u001b[0m' },
        { name: 'bytes-lost', valid: true, detail: 'ok' },
      ],
    },
    {
      index: 3,
      seed: 9,
      passed: false,
      startMs: 0,
      endMs: 1000,
      streams: [],
      faults: [],
      pcaps: [],
      history: '',
      checks: [],
      error: 'deploy failed: image "x<y>" missing',
    },
  ],
};

describe('junitXml', () => {
  const xml = junitXml(run);

  it('is well-formed with everything escaped', () => {
    assert.deepEqual(xmlProblems(xml), []);
    assert.ok(xml.includes('name="nat &lt;move&gt; &amp; &quot;drain&quot;"'));
    // eslint-disable-next-line no-control-regex -- the control characters are what this test looks for
    assert.ok(!/[\u0000-\u0008\u000b\u001b]/.test(xml), 'control characters are dropped');
    assert.ok(xml.includes('bad  byte red'));
  });

  it('has one testsuite per scenario and one testcase per repeat named "<scenario> #<index>"', () => {
    assert.equal((xml.match(/<testsuite /g) ?? []).length, 1);
    assert.match(xml, /<testsuites name="failover-lab" tests="3" failures="1" errors="1">/);
    assert.match(xml, /<testcase name="nat &lt;move&gt; &amp; &quot;drain&quot; #2" classname="[^"]+" time="10\.000">/);
    assert.match(xml, /<testsuite [^>]*tests="3" failures="1" errors="1" skipped="0" time="23\.500"/);
  });

  it('lists failed checks in the failure and counts unknown as failure, saying so', () => {
    const failure = /<failure message="([^"]*)" type="CheckFailed">([^<]*)<\/failure>/.exec(xml);
    assert.ok(failure);
    assert.equal(failure[1], '1 check(s) failed: resets; 1 check(s) unknown (could not decide; counted as failure): owner &lt;VIP&gt;');
    assert.match(failure[2]!, /✖ resets: failed — 1 of 2 streams not ≤ 0: &lt;c1&gt; = 2/);
    assert.match(failure[2]!, /\? owner &lt;VIP&gt;: unknown \(counted as failure\)/);
    assert.ok(!failure[2]!.includes('bytes-lost'));
    assert.equal((xml.match(/<failure /g) ?? []).length, 1);
  });

  it('reports a repeat that could not run as <error>', () => {
    assert.match(
      xml,
      /<error message="repeat did not run to the end: deploy failed: image &quot;x&lt;y&gt;&quot; missing" type="RepeatError">/,
    );
  });

  it('takes several runs as several suites', () => {
    const two = junitXml([run, { ...run, scenario: 'other' }]);
    assert.equal((two.match(/<testsuite /g) ?? []).length, 2);
    assert.match(two, /tests="6" failures="2" errors="2"/);
  });

  it('escapeXml keeps astral characters and drops lone surrogates', () => {
    assert.equal(escapeXml("a😀b\ud800c'<"), 'a😀bc&#39;&lt;');
  });
});
