import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { createEventLog } from '../../../../src/daemons/shared/event-log.js';

describe('daemon event log', () => {
  it("writes one JSON line per event, stamped with the clock's wall time", () => {
    const lines: string[] = [];
    const clock = manualClock(1_700_000_000_000);
    const emit = createEventLog('lb1', 'nat-balancer', { write: (l) => lines.push(l), clock });
    emit('started', { vips: 2 });
    clock.advance(40);
    emit('stopped');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as unknown),
      [
        { t: 1_700_000_000_000, node: 'lb1', daemon: 'nat-balancer', event: 'started', vips: 2 },
        { t: 1_700_000_000_040, node: 'lb1', daemon: 'nat-balancer', event: 'stopped' },
      ],
    );
  });
});
