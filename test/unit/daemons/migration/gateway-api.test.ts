import { strict as assert } from 'node:assert';
import { startJsonApi, type JsonApi } from '../../../../src/daemons/shared/json-api.js';
import { gatewayRoutes } from '../../../../src/daemons/migration/user-gateway/gateway-api.js';
import { PortTable, type PortMove } from '../../../../src/daemons/migration/user-gateway/port-table.js';

const TOKEN = 'gateway-token';

describe('user gateway: API', () => {
  let api: JsonApi;
  const moves: PortMove[] = [];
  const announced: string[] = [];
  let failPort: string | undefined;
  const events: string[] = [];

  before(async () => {
    const table = new PortTable([
      { name: 'taro', port: 'eth1', vlan: 1 },
      { name: 'hanako', port: 'eth5', vlan: 1 },
    ]);
    api = await startJsonApi(
      '127.0.0.1:0',
      TOKEN,
      gatewayRoutes({
        node: 'sw',
        table,
        now: () => 1000,
        emit: (e) => events.push(e),
        movePort: async (m) => {
          if (m.port === failPort) throw new Error(`lab-switch: ${m.port} is not a switch port`);
          moves.push(m);
        },
        announce: async (ip, mac, port) => {
          announced.push(`${ip} ${mac} ${port}`);
        },
      }),
    );
  });
  after(() => api.close());

  const post = async (body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${api.port}/switch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { code: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('moves the user, answers the end notice, and announces r out of the user port when asked', async () => {
    const r = await post({
      migration: 'm1',
      users: [{ name: 'taro', vlan: 2 }],
      announce: { ip: '198.18.50.1', mac: '02:00:5e:32:00:02' },
    });
    assert.equal(r.code, 200);
    assert.deepEqual(r.body, { migration: 'm1', switched: [{ name: 'taro', from: 1, to: 2, atMs: 1000 }], announced: true });
    assert.deepEqual(moves, [{ user: 'taro', port: 'eth1', from: 1, to: 2 }]);
    assert.deepEqual(announced, ['198.18.50.1 02:00:5e:32:00:02 eth1']);
    assert.deepEqual(events, ['port-moved', 'router-announced']);
  });

  it('refuses an unknown user (400) and a malformed request naming the field, moving nothing', async () => {
    const before = moves.length;
    const unknown = await post({ migration: 'm1', users: [{ name: 'jiro', vlan: 2 }] });
    assert.equal(unknown.code, 400);
    assert.match(String(unknown.body.error), /no user 'jiro'/);
    const bad = await post({ migration: 'm1', users: [{ name: 'taro', vlan: 5000 }] });
    assert.equal(bad.code, 400);
    assert.match(String(bad.body.error), /body\.users\[0\]\.vlan/);
    assert.equal(moves.length, before);
  });

  it('a switch that fails answers 500 with the reason, so the coordinator rolls back', async () => {
    failPort = 'eth5';
    const r = await post({ migration: 'm1', users: [{ name: 'hanako', vlan: 2 }] });
    assert.equal(r.code, 500);
    assert.match(String(r.body.error), /eth5 is not a switch port/);
  });

  it('a rollback fences its migration: a late request of it answers 409, moves nobody and is an event', async () => {
    failPort = undefined;
    const seen = events.length;
    const back = await post({ migration: 'm7', users: [{ name: 'taro', vlan: 1 }], rollback: true });
    assert.equal(back.code, 200);
    assert.deepEqual(events.slice(seen), ['migration-fenced', 'port-moved'], 'fenced first, then taro back on VLAN 1');
    const before = moves.length;
    const late = await post({ migration: 'm7', users: [{ name: 'taro', vlan: 2 }] });
    assert.equal(late.code, 409);
    assert.match(String(late.body.error), /migration m7 was rolled back at this gateway/);
    assert.equal(moves.length, before);
    assert.equal(events.at(-1), 'switch-refused');
  });
});
