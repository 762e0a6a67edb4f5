import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseControllerConfig } from '../../../../src/daemons/nat-lb/controller/controller-config.js';

describe('nat-lb controller: config', () => {
  const base = `node: ctl
token: controller-token
listen: 198.18.3.13:7900
peerToken: peer-token-1
balancers:
  - { name: lb-a, api: 198.18.3.1:7800 }
  - { name: lb-b, api: 198.18.3.2:7800, token: other-token }
copyStores:
  - { name: s1, api: 198.18.3.11:7901 }
`;
  it('fills defaults', () => {
    const c = parseControllerConfig(base, '/c.yml');
    assert.deepEqual(
      [
        c.poll.intervalMs,
        c.poll.misses,
        c.migration.stepTimeoutMs,
        c.migration.failoverRows,
        c.migration.failoverOrder,
        c.policy.thresholdPercent,
        c.failover.enabled,
      ],
      [200, 3, 2000, 'copy-store', 'address-first', 30, true],
    );
  });
  it('names the line of a problem', () => {
    const rejects = (text: string, line: number, problem: RegExp) =>
      assert.throws(
        () => parseControllerConfig(text, '/c.yml'),
        (e: unknown) => e instanceof InputFileError && e.position.line === line && problem.test(e.message),
      );
    rejects(base + 'migration: { failoverOrder: sideways }\n', 10, /failoverOrder: Invalid enum value/);
    rejects(base + '  - { name: s1, api: 198.18.3.12:7901 }\n', 10, /two copyStores are named 's1'/);
    rejects(base.replace('api: 198.18.3.1:7800', 'api: nowhere'), 6, /expected ADDR:PORT/);
    rejects(base + 'policy: { holdMS: 10 }\n', 10, /unknown key 'holdMS'/);
  });
});
