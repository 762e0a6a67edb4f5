import { strict as assert } from 'node:assert';
import { LABEL } from '../../../../src/lab/labels.js';
import { describeWait, planApp } from '../../../../src/orchestrator/runner/app-plan.js';
import type { PlacedApp } from '../../../../src/orchestrator/scenario/app-checks.js';

const at = { file: 'f.yml', line: 1, column: 1 };
const app = (over: Partial<PlacedApp> = {}): PlacedApp => ({
  name: 'echo',
  node: 'srv',
  image: 'img:1',
  env: {},
  binds: [],
  startupTimeout: 30_000,
  at: { app: at, image: at, wait: at },
  ...over,
});

describe('app plan', () => {
  it('joins the node container namespace and carries the lab labels that destroy finds', () => {
    const p = planApp(app(), 'client-server', 'clab-client-server-srv');
    assert.equal(p.container, 'clab-client-server-srv-app-echo');
    assert.equal(p.networkMode, 'container:clab-client-server-srv');
    assert.deepEqual(p.labels, { [LABEL.lab]: 'client-server', [LABEL.managed]: 'true', [LABEL.app]: 'echo' });
    assert.equal(p.logFile, 'app-echo.log');
    assert.equal(p.command, undefined);
    assert.deepEqual(p.wait, { kind: 'started' });
  });

  it('splits a command string like containerlab does and keeps an argv list as is', () => {
    assert.deepEqual(planApp(app({ command: `socat TCP-LISTEN:9000,fork 'EXEC:cat -u'` }), 'l', 'c').command, [
      'socat',
      'TCP-LISTEN:9000,fork',
      'EXEC:cat -u',
    ]);
    assert.deepEqual(planApp(app({ command: ['a b', 'c'] }), 'l', 'c').command, ['a b', 'c']);
  });

  it('turns binds into mounts, rw unless :ro', () => {
    assert.deepEqual(planApp(app({ binds: ['/a:/b:ro', '/c:/d', '/e:/f:rw'] }), 'l', 'c').binds, [
      { source: '/a', target: '/b', mode: 'ro' },
      { source: '/c', target: '/d', mode: 'rw' },
      { source: '/e', target: '/f', mode: 'rw' },
    ]);
  });

  it('plans each kind of wait and says what it waited for', () => {
    const waitOf = (wait: PlacedApp['wait']) => planApp(app({ wait }), 'l', 'c').wait;
    assert.deepEqual(waitOf({ port: 9000 }), { kind: 'port', port: 9000 });
    assert.deepEqual(waitOf({ logLine: 'up' }), { kind: 'log', pattern: 'up', times: 1 });
    assert.deepEqual(waitOf({ logLine: 'up', times: 3 }), { kind: 'log', pattern: 'up', times: 3 });
    assert.deepEqual(waitOf({ command: 'true' }), { kind: 'command', command: 'true' });
    assert.equal(describeWait({ kind: 'port', port: 9000 }), 'port 9000 listening');
    assert.equal(describeWait({ kind: 'log', pattern: 'up', times: 2 }), '2 log lines matching /up/');
    assert.equal(describeWait({ kind: 'command', command: 'true' }), '`true` exiting 0');
    assert.equal(describeWait({ kind: 'started' }), 'the container running');
  });
});
