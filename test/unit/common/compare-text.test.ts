import { strict as assert } from 'node:assert';
import { compareText } from '../../../src/common/compare-text.js';

describe('compareText', () => {
  it('orders by code unit, as the same bytes would on every node', () => {
    assert.deepEqual(['b', 'B', 'a', 'A', '10', '9'].sort(compareText), ['10', '9', 'A', 'B', 'a', 'b']);
  });

  it('is zero only for equal strings', () => {
    assert.equal(compareText('02:00:5e:07:00:11', '02:00:5e:07:00:11'), 0);
    assert.ok(compareText('02:00:5e:07:00:11', '02:00:5e:07:00:12') < 0);
    assert.ok(compareText('02:00:5e:07:00:12', '02:00:5e:07:00:11') > 0);
  });
});
