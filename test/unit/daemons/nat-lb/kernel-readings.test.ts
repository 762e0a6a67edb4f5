import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { KernelReadings, type KernelSources } from '../../../../src/daemons/nat-lb/balancer/kernel-readings.js';
import type { AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';

const row = (clientPort: number): AccessRow => ({
  clientIp: '198.18.20.1',
  clientPort,
  vip: '198.18.20.101',
  vipPort: 80,
  serverIp: '198.18.21.11',
  serverPort: 80,
  protocol: 'tcp',
  delta: 0,
});

const setUp = () => {
  const clock = manualClock(1_700_000_000_000);
  const reads = { counters: 0, rows: 0, drops: 0 };
  let moving = false;
  const sources: KernelSources = {
    readCounters: () => new Map([['vip_0', { packets: ++reads.counters, bytes: 100 * reads.counters }]]),
    readRows: () => Promise.resolve(Array.from({ length: ++reads.rows }, (_, i) => row(1000 + i))),
    readDrops: () => Promise.resolve(new Map([[100, ++reads.drops]])),
  };
  const readings = new KernelReadings(sources, () => moving, clock);
  return { clock, reads, readings, setMoving: (m: boolean) => (moving = m) };
};

describe('nat-balancer kernel readings', () => {
  it('reads counters and drops every time, rows only once rowsEveryMs of the clock has passed', async () => {
    const { clock, reads, readings } = setUp();
    const stop = readings.start(60_000, 1000);
    stop();
    const first = await readings.latest();
    assert.deepEqual([first.counters.get('vip_0')?.packets, first.rows.length, first.drops.get(100)], [1, 1, 1]);
    clock.advance(999);
    await readings.read();
    const second = await readings.latest();
    assert.deepEqual([second.counters.get('vip_0')?.packets, second.rows.length, reads.rows], [2, 1, 1], 'rows kept from the last dump');
    clock.advance(1);
    await readings.read();
    assert.deepEqual([(await readings.latest()).rows.length, reads.rows], [2, 2]);
  });

  it('reads nothing while a move is under way, and answers with an empty reading before any', async () => {
    const { reads, readings, setMoving } = setUp();
    setMoving(true);
    readings.start(60_000)();
    const empty = await readings.latest();
    assert.deepEqual([empty.counters.size, empty.rows.length, empty.drops.size], [0, 0, 0]);
    assert.deepEqual(reads, { counters: 0, rows: 0, drops: 0 });
    setMoving(false);
    await readings.read();
    assert.equal((await readings.latest()).rows.length, 1);
  });
});
