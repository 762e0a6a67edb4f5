import { strict as assert } from 'node:assert';
import { parseServersState, weightChanges } from '../../../../src/daemons/haproxy-baseline/server-weights.js';

// `show servers state b8081` as HAProxy 2.6 answered it in the lab (columns cut after srv_iweight are kept short).
const state = (be3: number, be4: number) => `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change
6 b8081 1 be3 198.18.31.13 2 0 ${be3} 2 19
6 b8081 2 be4 198.18.31.14 2 0 ${be4} 1 19
`;

describe('HAProxy server weights as redirector ratio events', () => {
  it('reads each server’s user weight by the header’s column names', () => {
    assert.deepEqual(parseServersState(state(2, 1)), [
      { service: 'b8081', backend: 'be3', weight: 2 },
      { service: 'b8081', backend: 'be4', weight: 1 },
    ]);
    assert.throws(() => parseServersState('Unknown command.\n'), /without its '# be_id …' header/);
    assert.throws(() => parseServersState('1\n# be_id be_name srv_name\n'), /no column srv_uweight/);
  });

  it('an agent-check halving be3 is ratio-lowered 2 → 1; back is ratio-raised; no change, no event', () => {
    assert.deepEqual(weightChanges(parseServersState(state(2, 1)), parseServersState(state(1, 1))), [
      { event: 'ratio-lowered', service: 'b8081', port: 8081, backend: 'be3', from: 2, to: 1 },
    ]);
    assert.deepEqual(weightChanges(parseServersState(state(1, 1)), parseServersState(state(2, 1))), [
      { event: 'ratio-raised', service: 'b8081', port: 8081, backend: 'be3', from: 1, to: 2 },
    ]);
    assert.deepEqual(weightChanges(parseServersState(state(2, 1)), parseServersState(state(2, 1))), []);
    assert.deepEqual(weightChanges([], parseServersState(state(2, 1))), []);
  });
});
