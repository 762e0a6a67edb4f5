import { strict as assert } from 'node:assert';
import { RateBudget } from '../../../src/probe/ssh/rate-budget.js';

describe('ssh rate budget', () => {
  it('earns rate × elapsed and spends what it gives', () => {
    const b = new RateBudget(100_000, 0);
    assert.equal(b.take(10, 1e9), 1000);
    assert.equal(b.take(10, 1e9), 0);
    assert.equal(b.take(30, 500), 500);
    assert.equal(b.take(30, 1e9), 1500);
  });
  it('does not burst more than a quarter second after a stall', () => {
    const b = new RateBudget(100_000, 0);
    assert.equal(b.take(60_000, 1e9), 25_000);
  });
  it('waits until `min` is due, even when the burst cap is smaller', () => {
    const b = new RateBudget(1000, 0);
    assert.equal(b.take(100, 1e9, 4096), 0);
    assert.equal(b.take(4000, 1e9, 4096), 0);
    assert.equal(b.take(4100, 1e9, 4096), 4096);
  });
  it('unlimited (0) gives the maximum each time', () => assert.equal(new RateBudget(0, 0).take(0, 777), 777));
});
