import { strict as assert } from 'node:assert';
import {
  FENCE_MEMORY,
  FencedMigrationError,
  PortTable,
  UnknownUserError,
} from '../../../../src/daemons/migration/user-gateway/port-table.js';

const table = () =>
  new PortTable([
    { name: 'taro', port: 'eth1', vlan: 1 },
    { name: 'hanako', port: 'eth5', vlan: 1 },
  ]);

describe('user gateway: port table', () => {
  it('turns an S707 into the port moves, and a repeated request into none', () => {
    const t = table();
    const moves = t.plan({ migration: 'm1', users: [{ name: 'taro', vlan: 2 }] });
    assert.deepEqual(moves, [{ user: 'taro', port: 'eth1', from: 1, to: 2 }]);
    t.moved(moves[0]!);
    assert.deepEqual(t.plan({ migration: 'm1', users: [{ name: 'taro', vlan: 2 }] }), []);
    assert.deepEqual(t.plan({ migration: 'm1', users: [{ name: 'taro', vlan: 1 }] }), [{ user: 'taro', port: 'eth1', from: 2, to: 1 }]);
  });

  it('refuses a request naming a user it does not serve, moving nobody', () => {
    assert.throws(
      () =>
        table().plan({
          migration: 'm1',
          users: [
            { name: 'taro', vlan: 2 },
            { name: 'jiro', vlan: 2 },
          ],
        }),
      (e: unknown) => e instanceof UnknownUserError && /no user 'jiro' at this gateway \(it serves taro, hanako\)/.test(e.message),
    );
  });

  it('refuses a table with a user or a port twice', () => {
    assert.throws(
      () =>
        new PortTable([
          { name: 'a', port: 'eth1', vlan: 1 },
          { name: 'a', port: 'eth2', vlan: 1 },
        ]),
      /listed twice/,
    );
    assert.throws(
      () =>
        new PortTable([
          { name: 'a', port: 'eth1', vlan: 1 },
          { name: 'b', port: 'eth1', vlan: 1 },
        ]),
      /two users/,
    );
  });

  it('after a rollback of a migration, refuses its late requests (nothing moved) and still passes its rollbacks and other migrations', () => {
    const t = table();
    assert.deepEqual(t.plan({ migration: 'm1', users: [{ name: 'taro', vlan: 1 }], rollback: true }), []);
    assert.equal(t.fence('m1', 5000), true);
    assert.equal(t.fence('m1', 6000), false, 'a second rollback keeps the first time');
    assert.throws(
      () => t.plan({ migration: 'm1', users: [{ name: 'taro', vlan: 2 }] }),
      (e: unknown) => e instanceof FencedMigrationError && /migration m1 was rolled back at this gateway \(at 5000\)/.test(e.message),
    );
    assert.deepEqual(t.plan({ migration: 'm1', users: [{ name: 'taro', vlan: 1 }], rollback: true }), []);
    assert.deepEqual(t.plan({ migration: 'm2', users: [{ name: 'taro', vlan: 2 }] }), [{ user: 'taro', port: 'eth1', from: 1, to: 2 }]);
  });

  it(`remembers the last ${FENCE_MEMORY} rolled-back migrations`, () => {
    const t = table();
    for (let i = 0; i <= FENCE_MEMORY; i++) t.fence(`m${i}`, i);
    assert.deepEqual(t.plan({ migration: 'm0', users: [{ name: 'taro', vlan: 2 }] }).length, 1, 'the oldest is forgotten');
    assert.throws(() => t.plan({ migration: 'm1', users: [{ name: 'taro', vlan: 2 }] }), FencedMigrationError);
    assert.throws(() => t.plan({ migration: `m${FENCE_MEMORY}`, users: [{ name: 'taro', vlan: 2 }] }), FencedMigrationError);
  });
});
