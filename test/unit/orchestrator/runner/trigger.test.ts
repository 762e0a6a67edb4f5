import { strict as assert } from 'node:assert';
import { healAll, runSchedule, triggerOf } from '../../../../src/orchestrator/runner/fault-schedule.js';
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

describe('getting a fault ready', () => {
  const nemesis = (log: string[]) => ({
    fault: 'command',
    targets: ['srv'],
    detail: 'test',
    prepare: () => void log.push(`prepare@${Date.now()}`),
    start: () => {
      log.push(`start@${Date.now()}`);
      return Promise.resolve(undefined);
    },
    heal: () => Promise.resolve(),
  });
  const hooks = (established: () => number) => ({ established, record: () => undefined, signal: new AbortController().signal });

  it('prepares a condition-triggered fault once, when its streams are up, and starts it after the delay', async () => {
    const log: string[] = [];
    let established = 0;
    const done = runSchedule(
      [{ plan: { id: 'c-1', nemesis: nemesis(log), cycles: 1, pauseMs: 0 }, trigger: { streamsEstablished: 3, delayMs: 60 } }],
      Date.now(),
      hooks(() => established),
    );
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(log.length, 0, 'nothing before the streams are up');
    established = 3;
    await done;
    assert.equal(log.length, 2);
    const [prepared, started] = log.map((l) => Number(l.split('@')[1]));
    assert.ok(log[0]!.startsWith('prepare@') && log[1]!.startsWith('start@'));
    assert.ok(started! - prepared! >= 55, `started ${started! - prepared!} ms after it was prepared`);
  });

  it('prepares nothing for a fault at a fixed time', async () => {
    const log: string[] = [];
    await runSchedule(
      [{ plan: { id: 'c-1', nemesis: nemesis(log), cycles: 1, pauseMs: 0 }, trigger: { atMs: 10 } }],
      Date.now(),
      hooks(() => 0),
    );
    assert.equal(log.length, 1);
    assert.ok(log[0]!.startsWith('start@'));
  });
});

describe('teardown (healAll)', () => {
  it('heals every fault, then lets each clean up what it left on purpose, and records the ends the schedule did not', async () => {
    const calls: string[] = [];
    const nemesis = (name: string, failHeal = false) => ({
      fault: 'partition',
      targets: ['a', 'b'],
      detail: name,
      start: () => Promise.resolve(),
      heal: () => {
        calls.push(`heal ${name}`);
        return failHeal ? Promise.reject(new Error('node gone')) : Promise.resolve();
      },
      cleanUp: () => {
        calls.push(`clean ${name}`);
        return Promise.resolve();
      },
    });
    const plan = (id: string, n: ReturnType<typeof nemesis>) => ({ plan: { id, nemesis: n, cycles: 1, pauseMs: 0 }, trigger: { atMs: 0 } });
    const ends: string[] = [];
    const problems = await healAll(
      [plan('partition-1', nemesis('p1')), plan('partition-2', nemesis('p2', true))] as never,
      (e) => ends.push(e.id),
      () => ['partition-1'],
    );
    assert.deepEqual(calls, ['heal p1', 'clean p1', 'heal p2', 'clean p2']);
    assert.deepEqual(ends, ['partition-1']);
    assert.deepEqual(problems, ['healing partition-2: node gone']);
  });
});
