import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { CallRunner } from '../../../../src/daemons/nat-lb/controller/call-runner.js';
import { ControlClient, type Endpoint } from '../../../../src/daemons/nat-lb/controller/control-client.js';
import type { MoveSpec } from '../../../../src/daemons/nat-lb/controller/migration.js';
import { MoveQueue, type MoveResult } from '../../../../src/daemons/nat-lb/controller/move-queue.js';
import { RateTracker } from '../../../../src/daemons/nat-lb/controller/rate-tracker.js';

const VIP = '198.18.7.1';
/** Nothing listens on port 1: every call is refused at once, as by a balancer that is gone. */
const gone = (name: string): Endpoint => ({ name, api: '127.0.0.1:1', token: 'a-long-token' });
const failover: MoveSpec = {
  vip: VIP,
  from: 'A',
  to: 'B',
  kind: 'failover',
  reason: 'A is dead',
  rows: 'copy-store',
  order: 'address-first',
  stepTimeoutMs: 500,
  deadCallTimeoutMs: 100,
};

const setUp = (retryMs = 1000) => {
  const clock = manualClock(1_700_000_000_000);
  const events: string[] = [];
  const emit = (event: string) => events.push(event);
  const rates = new RateTracker(2000);
  const assignment = new Map([[VIP, 'A']]);
  const calls = new CallRunner(
    new ControlClient(),
    new Map(['A', 'B', 'C'].map((n) => [n, gone(n)])),
    [],
    emit,
    new AbortController().signal,
    () => clock.nowMs(),
  );
  const queue = new MoveQueue({ calls, emit, clock, assignment, rates, retryMs, isStopped: () => false });
  return { clock, events, assignment, queue };
};

describe('nat-lb controller: move queue', () => {
  it('a failed failover keeps its target avoided for retryMs of the clock, then frees it; the VIP counts as changed', async () => {
    const { clock, events, queue } = setUp(1000);
    const first = await queue.run(failover);
    assert.notEqual(first.state, 'done');
    assert.deepEqual(events.slice(0, 1), ['migration-start']);
    assert.equal(queue.changedAt(VIP), clock.nowMs());
    assert.deepEqual([...queue.avoided(VIP, clock.nowMs())!], ['B']);
    clock.advance(999);
    assert.deepEqual([...queue.avoided(VIP, clock.nowMs())!], ['B'], 'still within the pause');
    await queue.run({ ...failover, to: 'C' });
    assert.deepEqual([...queue.avoided(VIP, clock.nowMs())!].sort(), ['B', 'C'], 'a second failure adds its target');
    clock.advance(1000);
    assert.equal(queue.avoided(VIP, clock.nowMs()), undefined, 'the pause is over');
    assert.deepEqual(
      queue.lastMoves.map((m) => m.to),
      ['B', 'C'],
    );
  });

  it('queues planned moves in order, one per VIP; results resolve the request', async () => {
    const { queue } = setUp();
    assert.equal(queue.isMoving(VIP), false);
    const waiting = queue.request(VIP, 'B');
    void queue.request('198.18.7.2', 'A');
    assert.equal(queue.isMoving(VIP), true);
    assert.deepEqual(queue.pending(), [
      { vip: VIP, to: 'B' },
      { vip: '198.18.7.2', to: 'A' },
    ]);
    const next = queue.nextRequest()!;
    assert.equal(next.vip, VIP);
    const result: MoveResult = {
      vip: VIP,
      from: 'A',
      to: 'B',
      state: 'refused',
      owner: 'A',
      failedStep: null,
      error: 'test',
      rows: 0,
      ms: 0,
    };
    next.done(queue.record(result));
    assert.deepEqual(await waiting, result);
    assert.equal(queue.isMoving(VIP), false);
  });

  it('keeps the last 20 moves for /status', () => {
    const { queue } = setUp();
    for (let i = 0; i < 25; i++)
      queue.record({ vip: VIP, from: 'A', to: 'B', state: 'done', owner: 'B', failedStep: null, error: null, rows: i, ms: 1 });
    assert.deepEqual(
      queue.lastMoves.map((m) => m.rows),
      Array.from({ length: 20 }, (_, i) => i + 5),
    );
  });
});
