import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { StepQueue } from '../../../../src/daemons/nat-lb/balancer/step-queue.js';

describe('nat-balancer step queue', () => {
  it('runs steps one at a time in the order they came, a failed step not holding up the next', async () => {
    const steps = new StepQueue(manualClock());
    const log: string[] = [];
    let release!: () => void;
    const first = steps.run(async () => {
      log.push('first starts');
      await new Promise<void>((r) => (release = r));
      log.push('first ends');
    });
    const second = steps.run(() => {
      log.push('second');
      return Promise.reject(new Error('refused'));
    });
    const third = steps.run(() => {
      log.push('third');
      return Promise.resolve(3);
    });
    await Promise.resolve();
    assert.deepEqual(log, ['first starts'], 'the others wait');
    release();
    await first;
    await assert.rejects(second, /refused/);
    assert.equal(await third, 3);
    assert.deepEqual(log, ['first starts', 'first ends', 'second', 'third']);
  });

  it('is the step clock: time since a step last started or ended', async () => {
    const clock = manualClock(1_700_000_000_000);
    const steps = new StepQueue(clock);
    assert.equal(steps.msSinceStep(), Infinity, 'no step yet');
    let release!: () => void;
    const running = steps.run(() => new Promise<void>((r) => (release = r)));
    await Promise.resolve();
    clock.advance(300);
    assert.equal(steps.msSinceStep(), 300, 'counted from the start while it runs');
    release();
    await running;
    clock.advance(40);
    assert.equal(steps.msSinceStep(), 40, 'counted from its end once done');
  });
});
