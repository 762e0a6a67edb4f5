import { strict as assert } from 'node:assert';
import { triggerOf } from '../../../../src/orchestrator/runner/fault-schedule.js';
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
      triggerOf({ at: [1000, 3000] } as Spec, () => 0.25),
      { atMs: 1500 },
    );
    const draw = (seed: number) => triggerOf({ at: [1000, 3000] } as Spec, seededRandom(seed));
    assert.deepEqual(draw(7), draw(7), 'the same seed, the same time');
    const t = draw(7) as { atMs: number };
    assert.ok(t.atMs >= 1000 && t.atMs <= 3000);
  });
});
