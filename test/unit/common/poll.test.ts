import { strict as assert } from 'node:assert';
import { manualClock } from '../../../src/common/clock.js';
import { WaitTimeoutError } from '../../../src/common/errors.js';
import { pollUntil } from '../../../src/common/poll.js';

describe('pollUntil', () => {
  it('returns once the check holds', async () => {
    let calls = 0;
    await pollUntil('the third call', () => ++calls === 3, { timeoutMs: 10_000, intervalMs: 1 });
    assert.equal(calls, 3);
  });

  it('gives up after timeoutMs of the clock, naming what it waited for', async () => {
    const clock = manualClock();
    let calls = 0;
    const check = () => {
      calls++;
      clock.advance(400); // each check takes 400 ms of the clock's time, none of the machine's
      return false;
    };
    await assert.rejects(
      pollUntil('port 7000 to listen', check, { timeoutMs: 1000, intervalMs: 1, clock }),
      (e: unknown) => e instanceof WaitTimeoutError && /timed out after 1000 ms waiting for port 7000 to listen/.test(e.message),
    );
    assert.equal(calls, 3, 'checked at 0, 400 and 800 ms; past the deadline after the third');
  });
});
