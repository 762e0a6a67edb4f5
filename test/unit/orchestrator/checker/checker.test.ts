import { strict as assert } from 'node:assert';
import { checkSafe, composeCheckers, mergeValidity, runCheckers, type Checker } from '../../../../src/orchestrator/checker/checker.js';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import type { Validity } from '../../../../src/orchestrator/report/report-types.js';
import { history, summary } from '../fixtures.js';

const fixed = (name: string, valid: Validity): Checker => ({ name, check: () => ({ name, valid, detail: String(valid) }) });

describe('mergeValidity (false > unknown > true)', () => {
  const cases: [Validity[], Validity][] = [
    [[], true],
    [[true, true], true],
    [[true, 'unknown'], 'unknown'],
    [['unknown', false, true], false],
    [[false, 'unknown'], false],
    [['unknown', 'unknown'], 'unknown'],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} → ${String(want)}`, () => assert.equal(mergeValidity(input), want));
});

describe('composeCheckers / check-safe', () => {
  const h = history([], [summary()]);

  it('runs every checker and merges their verdicts', () => {
    const { valid, results } = runCheckers([fixed('a', true), fixed('b', 'unknown'), fixed('c', true)], h);
    assert.equal(valid, 'unknown');
    assert.deepEqual(
      results.map((r) => r.name),
      ['a', 'b', 'c'],
    );
    assert.equal(runCheckers([fixed('a', 'unknown'), fixed('b', false)], h).valid, false);
  });

  it('turns a throwing custom invariant into a valid unknown result and keeps the others', () => {
    const boom = Checks.customInvariant('one ARP owner per VIP', () => {
      throw new Error('data.vip missing');
    });
    const composed = composeCheckers([Checks.maxGap(1000), boom, Checks.resets({ max: 0 })]);
    const { valid, results } = composed.checkAll(h);
    assert.equal(valid, 'unknown');
    assert.equal(results.length, 3);
    assert.deepEqual(results[1], { name: 'one ARP owner per VIP', valid: 'unknown', detail: 'checker threw: data.vip missing' });
    assert.equal(results[0]!.valid, true);
    const merged = composed.check(h);
    assert.equal(merged.valid, 'unknown');
    assert.match(merged.detail, /one ARP owner per VIP: unknown \(checker threw: data\.vip missing\)/);
  });

  it('a false anywhere wins over a crash', () => {
    const crash: Checker = {
      name: 'crash',
      check: () => {
        throw new TypeError('x');
      },
    };
    assert.equal(composeCheckers([crash, fixed('f', false)]).check(h).valid, false);
  });

  it('treats a malformed result as unknown and fills in a missing name', () => {
    const bad = { name: 'bad', check: () => ({ valid: 'yes' }) } as unknown as Checker;
    assert.equal(checkSafe(bad, h).valid, 'unknown');
    const unnamed = { name: 'named', check: () => ({ valid: true, detail: 'ok' }) } as unknown as Checker;
    assert.equal(checkSafe(unnamed, h).name, 'named');
  });

  it('never passes a run that was asked nothing: no checkers is unknown, and so is their composition', () => {
    const { valid, results } = runCheckers([], h);
    assert.equal(valid, 'unknown');
    assert.deepEqual(
      results.map((r) => [r.name, r.valid]),
      [['checks', 'unknown']],
    );
    assert.match(results[0]!.detail, /no checks were given/);
    assert.equal(composeCheckers([]).check(h).valid, 'unknown');
  });

  it('says how many passed when all pass', () => {
    assert.deepEqual(composeCheckers([fixed('a', true)], 'scenario').check(h), {
      name: 'scenario',
      valid: true,
      detail: '1 checks passed',
    });
  });
});

describe('customInvariant', () => {
  const h = history([], [summary()]);
  it('accepts a boolean, a validity, or a {valid, detail} answer', () => {
    assert.equal(Checks.customInvariant('b', () => true).check(h).valid, true);
    assert.equal(Checks.customInvariant('b', () => false).check(h).detail, 'violated');
    assert.equal(Checks.customInvariant('u', () => 'unknown').check(h).valid, 'unknown');
    assert.deepEqual(Checks.customInvariant('r', (x) => ({ valid: x.streams.length === 1, detail: 'one stream' })).check(h), {
      name: 'r',
      valid: true,
      detail: 'one stream',
    });
  });
  it('a non-answer is unknown', () => {
    const fn = (() => undefined) as unknown as () => boolean;
    assert.equal(Checks.customInvariant('n', fn).check(h).valid, 'unknown');
  });
});
