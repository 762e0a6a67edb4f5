import { strict as assert } from 'node:assert';
import { parseAgentConfig } from '../../../../src/daemons/migration/agent/agent-config.js';
import { UserCensus } from '../../../../src/daemons/migration/agent/user-census.js';

const USERS = { cl1: '198.18.50.10', cl2: '198.18.50.20', cl3: '198.18.50.30' };

describe('migration agent: the users at this site (embodiment 3)', () => {
  it('reports each named user once when its first connection appears and once when its last goes', () => {
    const c = new UserCensus(USERS);
    const report = (peers: string[]) => {
      const changes = c.changes(peers);
      for (const ch of changes) c.reported(ch);
      return changes.map((ch) => `${ch.action} ${ch.user}`);
    };
    assert.deepEqual(report(['198.18.50.10:40000', '198.18.50.10:40002', '198.18.50.20:51000']), ['connect cl1', 'connect cl2']);
    assert.deepEqual(report(['198.18.50.10:40002', '198.18.50.20:51000']), [], 'one of two connections gone: still there');
    assert.deepEqual(report(['198.18.50.10:40002', '198.18.50.20:51000', '198.18.50.30:33000']), ['connect cl3']);
    assert.deepEqual(report(['198.18.50.20:51000', '198.18.50.30:33000']), ['disconnect cl1']);
    assert.deepEqual(c.present(), ['cl2', 'cl3']);
  });

  it('ignores addresses that are no user, and reports again what the coordinator did not take', () => {
    const c = new UserCensus(USERS);
    assert.deepEqual(c.changes(['198.18.53.10:7300', '198.18.54.12:50000']), []);
    const first = c.changes(['198.18.50.30:33000']);
    assert.deepEqual(first, [{ user: 'cl3', action: 'connect' }]);
    // Not marked reported (the call failed): the next look says it again.
    assert.deepEqual(c.changes(['198.18.50.30:33000']), first);
  });

  it('refuses two users with one address, in the class and in the config (naming the line)', () => {
    assert.throws(() => new UserCensus({ a: '198.18.50.10', b: '198.18.50.10' }), /users a and b share the address 198\.18\.50\.10/);
    const agent =
      'token: agent-token\nlisten: 198.18.53.11:7400\nrealIp: 198.18.51.11\npeer: { name: b, api: "198.18.54.12:7401" }\npeerToken: peer-token\npeerListen: 198.18.54.11:7401\n' +
      'userReport:\n  coordinator: 198.18.53.10:7300\n  token: coord-token-1\n  vip: 198.18.55.100\n  port: 7000\n  users:\n    cl1: 198.18.50.10\n    cl2: 198.18.50.10\n';
    assert.throws(() => parseAgentConfig(agent, 'a.yml'), /a\.yml:14:\d+: .*users cl1 and cl2 share the address 198\.18\.50\.10/);
    assert.deepEqual(parseAgentConfig(agent.replace('cl2: 198.18.50.10', 'cl2: 198.18.50.20'), 'a.yml').userReport?.everyMs, 200);
  });
});
