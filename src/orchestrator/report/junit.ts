// JUnit XML for CI dashboards: one testsuite per scenario, one testcase per repeat. A check
// that ended 'unknown' is a failure here, because a CI gate must not go green on a verdict
// nobody could reach; the message says so, so nobody hunts for a false check that isn't.
// A repeat that passed on a rerun carries one <flakyFailure> (or <flakyError>, for an attempt
// that did not run to the end) per failed attempt, as Maven Surefire writes them.
import { attemptProblem, isFlakyRepeat } from './flaky.js';
import type { CheckResult, FailedAttempt, RepeatReport, RunReport } from './report-types.js';
import { escapeXml as x } from './xml-escape.js';

const MARK: Record<string, string> = { true: '✔', false: '✖', unknown: '?' };

export function junitXml(runs: RunReport | readonly RunReport[]): string {
  const list = Array.isArray(runs) ? (runs as readonly RunReport[]) : [runs as RunReport];
  const totals = list.reduce(
    (t, r) => ({ tests: t.tests + r.repeats.length, failures: t.failures + failures(r), errors: t.errors + errors(r) }),
    { tests: 0, failures: 0, errors: 0 },
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="failover-lab" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}">`,
    ...list.map(suite),
    '</testsuites>',
    '',
  ].join('\n');
}

const errors = (r: RunReport) => r.repeats.filter((p) => p.error !== undefined).length;
const failures = (r: RunReport) => r.repeats.filter((p) => p.error === undefined && !p.passed).length;
const seconds = (ms: number) => (Math.max(ms, 0) / 1000).toFixed(3);

function suite(run: RunReport): string {
  const timeMs = run.repeats.reduce((t, p) => t + (p.endMs - p.startMs), 0);
  const open = `  <testsuite name="${x(run.scenario)}" tests="${run.repeats.length}" failures="${failures(run)}" errors="${errors(run)}" skipped="0" time="${seconds(timeMs)}" timestamp="${x(run.startedAt)}" file="${x(run.file)}">`;
  const flaky = run.repeats.filter(isFlakyRepeat).length;
  const props = `    <properties><property name="seed" value="${run.seed}"/><property name="flaky" value="${flaky}"/></properties>`;
  return [open, props, ...run.repeats.map((p) => testcase(run, p)), '  </testsuite>'].join('\n');
}

function testcase(run: RunReport, repeat: RepeatReport): string {
  const head = `    <testcase name="${x(`${run.scenario} #${repeat.index}`)}" classname="${x(run.scenario)}" time="${seconds(repeat.endMs - repeat.startMs)}">`;
  const body: string[] = [];
  if (repeat.error !== undefined) {
    body.push(
      `      <error message="${x(`repeat did not run to the end: ${repeat.error}`)}" type="RepeatError">${x(repeat.error)}</error>`,
    );
  } else {
    const bad = repeat.checks.filter((c) => c.valid !== true);
    if (bad.length > 0 || !repeat.passed) body.push(failure(bad));
  }
  body.push(...(repeat.failedAttempts ?? []).map((a) => flakyElement(repeat, a)));
  body.push(`      <system-out>${x(checkLines(repeat))}</system-out>`);
  return [head, ...body, '    </testcase>'].join('\n');
}

function flakyElement(repeat: RepeatReport, a: FailedAttempt): string {
  const tag = a.error !== undefined ? 'flakyError' : 'flakyFailure';
  const type = a.error !== undefined ? 'RepeatError' : 'CheckFailed';
  const message = `attempt ${a.attempt} of repeat #${repeat.index} failed: ${attemptProblem(a)}`;
  const text = [...a.failing.map((c) => `${MARK[String(c.valid)]} ${c.name}: ${c.detail}`), `report: ${a.dir}/report.html`].join('\n');
  return `      <${tag} message="${x(message)}" type="${type}"><system-out>${x(text)}</system-out></${tag}>`;
}

function failure(bad: readonly CheckResult[]): string {
  const failed = bad.filter((c) => c.valid === false).map((c) => c.name);
  const unknown = bad.filter((c) => c.valid !== false).map((c) => c.name);
  const parts: string[] = [];
  if (failed.length) parts.push(`${failed.length} check(s) failed: ${failed.join(', ')}`);
  if (unknown.length) parts.push(`${unknown.length} check(s) unknown (could not decide; counted as failure): ${unknown.join(', ')}`);
  const message = parts.join('; ') || 'repeat did not pass';
  const text = bad
    .map((c) => `${MARK[String(c.valid)]} ${c.name}: ${c.valid === false ? 'failed' : 'unknown (counted as failure)'} — ${c.detail}`)
    .join('\n');
  return `      <failure message="${x(message)}" type="CheckFailed">${x(text)}</failure>`;
}

const checkLines = (repeat: RepeatReport): string =>
  [`seed ${repeat.seed}`, ...repeat.checks.map((c) => `${MARK[String(c.valid)]} ${c.name}: ${c.detail}`)].join('\n');
