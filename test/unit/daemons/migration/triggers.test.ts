import { strict as assert } from 'node:assert';
import { AlarmLatch, LoadMonitor } from '../../../../src/daemons/migration/coordinator/triggers.js';
import { parseCoordinatorConfig, planFor } from '../../../../src/daemons/migration/coordinator/coordinator-config.js';

const CONFIG = `
token: coord-token-1
listen: 198.19.50.10:7300
peerToken: peer-token-1
process: { match: "socat TCP-LISTEN:7000" }
main: { agent: agent-a, api: 198.19.50.11:7400, realIp: 198.18.52.11 }
backup: { agent: agent-b, api: 198.19.50.12:7400, realIp: 198.18.53.11 }
vip: 198.18.50.100
gateways: [ { name: ugw1, api: 198.19.50.20:7500 } ]
users:
  - { name: u1, gateway: ugw1, nearest: main }
  - { name: u2, gateway: ugw1 }
router: { ip: 198.18.50.1 }
load: { threshold: 2.5, users: [u1, u2] }
`;

describe('migration coordinator: triggers and settings', () => {
  it('embodiment 3: the third user (3 > 2.5) with the backup flag off triggers; with the flag on nothing does', () => {
    const m = new LoadMonitor(2.5, ['u1', 'u2'], false);
    assert.equal(m.check(), undefined);
    assert.deepEqual(m.connect('u3'), { kind: 'load', connectedUsers: 3, threshold: 2.5 });
    m.setBackupRunning(true);
    assert.equal(m.connect('u4'), undefined);
    assert.throws(() => new LoadMonitor(0, [], false), /threshold must be above 0/);
  });

  it('an operator alarm migration needs a raised alarm, and names it', () => {
    const latch = new AlarmLatch();
    assert.throws(() => latch.operatorTrigger('ops'), /no alarm is raised/);
    latch.raise('power', 'UPS on battery at site A', 5);
    assert.deepEqual(latch.operatorTrigger('ops'), { kind: 'alarm', alarm: 'power', by: 'ops' });
  });

  it('a load migration copies the VIP and switches only the users nearest the backup; a request switches everyone', () => {
    const config = parseCoordinatorConfig(CONFIG, 'coord.yml');
    const load = planFor(config, { kind: 'load', connectedUsers: 3, threshold: 2.5 }, 'm1');
    assert.equal(load.vipMode, 'copy');
    assert.deepEqual(
      load.users.map((u) => u.name),
      ['u2'],
    );
    const byHand = planFor(config, { kind: 'request', by: 'cli' }, 'm2');
    assert.equal(byHand.vipMode, 'move');
    assert.deepEqual(byHand.users, [
      { name: 'u1', gateway: 'ugw1', fromVlan: 1, toVlan: 2 },
      { name: 'u2', gateway: 'ugw1', fromVlan: 1, toVlan: 2 },
    ]);
    assert.equal(byHand.pause, true);
  });

  it('refuses settings that cannot work, naming the line', () => {
    assert.throws(
      () => parseCoordinatorConfig(CONFIG.replace('gateway: ugw1 }', 'gateway: ugw9 }'), 'coord.yml'),
      /coord\.yml:12:\d+: .*user 'u2' names gateway 'ugw9'/,
    );
    assert.throws(
      () =>
        parseCoordinatorConfig(
          CONFIG.replace('agent-b, api: 198.19.50.12:7400, realIp: 198.18.53.11', 'agent-b, api: 198.19.50.12:7400, realIp: 198.18.52.11'),
          'c.yml',
        ),
      /main and backup are the same server/,
    );
    assert.throws(() => parseCoordinatorConfig(CONFIG + 'options: { routerMac: garp }\n', 'c.yml'), /give router\.mac/);
    assert.throws(() => parseCoordinatorConfig(CONFIG.replace('vip: 198.18.50.100', 'vip: v'), 'c.yml'), /c\.yml:8:\d+: .*IPv4/);
  });
});
