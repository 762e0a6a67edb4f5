import { strict as assert } from 'node:assert';
import { runSchedule, triggerOf } from '../../../../src/orchestrator/runner/fault-schedule.js';
import { seededRandom } from '../../../../src/orchestrator/runner/seeded-random.js';
import type { Scenario } from '../../../../src/orchestrator/scenario/parse-scenario.js';

type Spec = Scenario['schedule'][number];

describe('fault triggers', () => {
  it('takes a fixed time, a condition, or a time drawn from the range by the seed', () => {
    assert.deepEqual(
      triggerOf({ at: 1500 } as Spec, () => 0.5),
      { atMs: 1500 },
    );
    const when = { streamsEstablished: 4, workload: 'w' };
    assert.deepEqual(
      triggerOf({ when } as Spec, () => 0.5),
      when,
    );
    assert.deepEqual(
      triggerOf({ when: { streamsEstablished: 20, delay: 500 } } as Spec, () => 0.5),
      { streamsEstablished: 20, delayMs: 500 },
    );
    assert.deepEqual(
      triggerOf({ at: [1000, 3000] } as Spec, () => 0.25),
      { atMs: 1500 },
    );
    const draw = (seed: number) => triggerOf({ at: [1000, 3000] } as Spec, seededRandom(seed));
    assert.deepEqual(draw(7), draw(7), 'the same seed, the same time');
    const t = draw(7) as { atMs: number };
    assert.ok(t.atMs >= 1000 && t.atMs <= 3000);
  });
});

describe('a condition trigger with a delay', () => {
  it('starts the fault once the streams are established and the delay has passed, not before', async () => {
    let established = 0;
    let startedAt: number | undefined;
    const nemesis = {
      fault: 'kill-process',
      targets: ['srv'],
      detail: 'test',
      start: () => {
        startedAt = Date.now();
        return Promise.resolve(undefined);
      },
      heal: () => Promise.resolve(),
    };
    const plan = { id: 'k-1', nemesis, cycles: 1, pauseMs: 0 };
    const done = runSchedule([{ plan, trigger: { streamsEstablished: 2, delayMs: 80 } }], Date.now(), {
      established: () => established,
      record: () => undefined,
      signal: new AbortController().signal,
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(startedAt, undefined, 'no fault before the streams are up');
    established = 2;
    const upAt = Date.now();
    await done;
    assert.ok(startedAt !== undefined && startedAt - upAt >= 75, `fault ${startedAt! - upAt} ms after the streams were up`);
  });
});
