// mocha's spec output, then a line per failed test (`failed: title — first line of its error`,
// since CI shows only the tail of a long run), then the closing line CI reads:
// `N passed, N failed[, N skipped]`, and right after it
// `N flaky: scenario (what failed before the rerun that passed), ...`. A test
// flags itself flaky by setting FLAKY_MARK on its mocha Test object (see
// test/helpers/scenario-assert.ts); a flaky test that passed counts as passed in the first line.
// CommonJS because mocha loads reporters with require().
const Mocha = require('mocha');

const FLAKY_MARK = 'failoverLabFlaky';

/** `{ scenario, note }` marks in order → `N flaky[: a (note; note), b (note)]`, N counting scenarios. */
const flakyLine = (marks) => {
  const byScenario = new Map();
  for (const { scenario, note } of marks) byScenario.set(scenario, [...(byScenario.get(scenario) ?? []), note]);
  const list = [...byScenario].map(([scenario, notes]) => `${scenario} (${notes.join('; ')})`);
  return `${byScenario.size} flaky${list.length ? `: ${list.join(', ')}` : ''}`;
};

/** One line: the test's full title and the first line of its error that says more than `Error:`. */
const failedLine = (test, err) => {
  const lines = String(err?.message ?? err)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.find((l) => l.startsWith('✖')) ?? lines[0] ?? 'no message';
  const line = `failed: ${test.fullTitle()} — ${telling}`;
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
};

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const flaky = [];
    const failed = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, err) => failed.push(failedLine(test, err)));
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      const mark = test[FLAKY_MARK];
      if (mark && typeof mark.scenario === 'string' && typeof mark.note === 'string') flaky.push(mark);
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? this.stats;
      process.nextTick(() => {
        if (failed.length) console.log(`\n${failed.join('\n')}`);
        console.log(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
        console.log(flakyLine(flaky));
      });
    });
  }
}

module.exports = SummaryReporter;
module.exports.FLAKY_MARK = FLAKY_MARK;
