// mocha's spec output, then the closing line CI reads: `N passed, N failed[, N skipped]`, and
// right after it `N flaky: scenario (what failed before the rerun that passed), ...`. A test
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

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const flaky = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      const mark = test[FLAKY_MARK];
      if (mark && typeof mark.scenario === 'string' && typeof mark.note === 'string') flaky.push(mark);
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? this.stats;
      process.nextTick(() => {
        console.log(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
        console.log(flakyLine(flaky));
      });
    });
  }
}

module.exports = SummaryReporter;
module.exports.FLAKY_MARK = FLAKY_MARK;
