import { strict as assert } from 'node:assert';
import { cutInstant } from '../../../src/lab/node-lifecycle.js';

describe('crash instant (bash clock after the links went down)', () => {
  it('takes the printed instant when it lies within the command, else the command end', () => {
    assert.equal(cutInstant('1795343266.154321\n', 1795343266150, 1795343266170), 1795343266154);
    assert.equal(cutInstant('garbage', 1000, 1010), 1010);
    assert.equal(cutInstant('1.5', 1795343266150, 1795343266170), 1795343266170);
  });
});
