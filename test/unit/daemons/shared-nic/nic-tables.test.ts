import { strict as assert } from 'node:assert';
import { NicTables } from '../../../../src/daemons/shared-nic/nic-tables.js';

const MAC32 = '02:00:00:00:00:32';
const servers = [
  { name: 'srv10', iface: 'eth2', address: '198.18.41.10' },
  { name: 'srv20', iface: 'eth3', address: '198.18.42.20' },
  { name: 'srv30', iface: 'eth4', address: '198.18.43.30' },
];
const fresh = () => new NicTables({ deviceIp: '198.18.40.37', prefixLength: 24, mac: MAC32 }, servers);

describe('shared-nic tables: embodiment 1 (tables 35, 36)', () => {
  it('registration fills table 35 and maps the IP to MAC 32 in table 36 (Figures 2 and 3)', () => {
    const t = fresh();
    const r = t.register('srv10', '198.18.40.11');
    assert.deepEqual(r, {
      ok: true,
      changes: [{ kind: 'ip-added', ip: '198.18.40.11', server: 'srv10', via: '198.18.41.10', iface: 'eth2' }],
    });
    assert.equal(t.register('srv20', '198.18.40.21').ok, true);
    assert.deepEqual(t.table35(), [
      { server: 'srv10', ip: '198.18.40.11' },
      { server: 'srv20', ip: '198.18.40.21' },
    ]);
    assert.deepEqual(
      t.table36().map((r) => [r.ip, r.mac]),
      [
        ['198.18.40.37', MAC32],
        ['198.18.40.11', MAC32],
        ['198.18.40.21', MAC32],
      ],
    );
  });
  it('a repeated registration by the same server changes nothing; by another server it is refused (duplicate)', () => {
    const t = fresh();
    t.register('srv10', '198.18.40.11');
    assert.deepEqual(t.register('srv10', '198.18.40.11'), { ok: true, changes: [], note: 'already registered' });
    const dup = t.register('srv20', '198.18.40.11');
    assert.equal(dup.ok, false);
    assert.equal(!dup.ok && dup.code, 409);
    assert.match(!dup.ok ? dup.reason : '', /duplicate registration: 198\.18\.40\.11 is registered by srv10/);
    assert.equal(t.serverOf('198.18.40.11'), 'srv10');
  });
  it('refuses unknown servers and IPs the device cannot answer ARP for', () => {
    const t = fresh();
    assert.equal((t.register('srv99', '198.18.40.11') as { code: number }).code, 404);
    for (const [ip, why] of [
      ['198.18.41.11', /outside NIC 31's network/],
      ['198.18.40.37', /device's own address/],
      ['198.18.40.255', /broadcast/],
      ['198.18.40.0', /network/],
      ['198.18.40.300', /not an IPv4 address/],
    ] as const) {
      const r = t.register('srv10', ip);
      assert.equal(r.ok, false, ip);
      assert.match(!r.ok ? r.reason : '', why);
    }
    assert.deepEqual(t.table35(), []);
  });
  it('deregistration removes the rows; another server cannot deregister it; an absent IP is a no-op', () => {
    const t = fresh();
    t.register('srv10', '198.18.40.11');
    assert.equal((t.deregister('srv20', '198.18.40.11') as { code: number }).code, 409);
    assert.deepEqual(t.deregister('srv10', '198.18.40.11'), {
      ok: true,
      changes: [{ kind: 'ip-removed', ip: '198.18.40.11', server: 'srv10', via: '198.18.41.10', iface: 'eth2' }],
    });
    assert.deepEqual(t.deregister('srv10', '198.18.40.11'), { ok: true, changes: [], note: 'not registered' });
    assert.equal(t.table36().length, 1);
    assert.equal(t.register('srv20', '198.18.40.11').ok, true, 'free again for another server');
  });
  it('a link going down deregisters its server and refuses it until the link is back', () => {
    const t = fresh();
    t.register('srv10', '198.18.40.11');
    t.register('srv20', '198.18.40.21');
    t.join('srv10', 7000, 'active');
    const changes = t.linkWentDown('srv10');
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['ip-removed', 'port-target'],
    );
    assert.deepEqual(t.table35(), [{ server: 'srv20', ip: '198.18.40.21' }]);
    assert.equal(t.activeOf(7000), undefined);
    assert.match((t.register('srv10', '198.18.40.11') as { reason: string }).reason, /link to srv10 \(eth2\) is down/);
    t.linkCameUp('srv10');
    assert.equal(t.register('srv10', '198.18.40.11').ok, true);
  });
  it('a third server needs only its own registration', () => {
    const t = fresh();
    t.register('srv10', '198.18.40.11');
    t.register('srv20', '198.18.40.21');
    assert.equal(t.register('srv30', '198.18.40.31').ok, true);
    assert.equal(t.serverOf('198.18.40.31'), 'srv30');
  });
});

describe('shared-nic tables: embodiment 2 (table 39)', () => {
  const target = (port: number, server?: string, address?: string) =>
    server ? { kind: 'port-target', port, server, address } : { kind: 'port-target', port };

  it('Figure 10: active and standby rows from the servers; new connections go to the active one', () => {
    const t = fresh();
    assert.deepEqual(t.setState('srv10', 7000, 'active'), { ok: true, changes: [target(7000, 'srv10', '198.18.41.10')] });
    assert.deepEqual(t.setState('srv20', 7000, 'standby'), { ok: true, changes: [] });
    assert.deepEqual(t.table39(), [
      { port: 7000, state: 'active', server: 'srv10' },
      { port: 7000, state: 'standby', server: 'srv20' },
    ]);
  });
  it('marking a second server active demotes the first (at most one active row per port)', () => {
    const t = fresh();
    t.setState('srv10', 7000, 'active');
    t.setState('srv20', 7000, 'standby');
    assert.deepEqual(t.setState('srv20', 7000, 'active'), { ok: true, changes: [target(7000, 'srv20', '198.18.42.20')] });
    assert.deepEqual(t.table39(), [
      { port: 7000, state: 'active', server: 'srv20' },
      { port: 7000, state: 'standby', server: 'srv10' },
    ]);
    assert.deepEqual(t.setState('srv20', 7000, 'standby'), { ok: true, changes: [target(7000)] }, 'no active row left');
  });
  it('the switch command from the standby swaps both rows in one step (Figure 12)', () => {
    const t = fresh();
    t.join('srv10', 7000, 'active');
    t.join('srv20', 7000, 'standby');
    const r = t.switchTo('srv20', 7000);
    assert.deepEqual(r, { ok: true, changes: [target(7000, 'srv20', '198.18.42.20')], note: 'from srv10' });
    assert.deepEqual(t.table39(), [
      { port: 7000, state: 'active', server: 'srv20' },
      { port: 7000, state: 'standby', server: 'srv10' },
    ]);
    assert.deepEqual(t.switchTo('srv20', 7000), { ok: true, changes: [], note: 'already active' });
    assert.equal((t.switchTo('srv30', 7000) as { code: number }).code, 409, 'no row: its application has not joined');
  });
  it('a join never demotes: a second "active" joins as standby; an existing row is kept', () => {
    const t = fresh();
    t.join('srv10', 7000, 'active');
    assert.deepEqual(t.join('srv20', 7000, 'active'), { ok: true, changes: [], note: 'joined as standby: srv10 is active' });
    t.switchTo('srv20', 7000);
    assert.deepEqual(t.join('srv20', 7000, 'standby'), { ok: true, changes: [], note: 'already active' });
    assert.equal(t.activeOf(7000), 'srv20');
  });
  it('several ports keep independent pairs', () => {
    const t = fresh();
    t.join('srv10', 7000, 'active');
    t.join('srv20', 7000, 'standby');
    t.join('srv20', 7001, 'active');
    t.join('srv30', 7001, 'standby');
    t.switchTo('srv30', 7001);
    assert.equal(t.activeOf(7000), 'srv10');
    assert.equal(t.activeOf(7001), 'srv30');
    assert.deepEqual(t.portList(), [7000, 7001]);
  });
  it('the active row leaving leaves the port with no active row; nothing is promoted', () => {
    const t = fresh();
    t.join('srv10', 7000, 'active');
    t.join('srv20', 7000, 'standby');
    assert.deepEqual(t.leave('srv10', 7000), { ok: true, changes: [target(7000)] });
    assert.equal(t.activeOf(7000), undefined);
    assert.equal(t.firstStandby(7000), 'srv20');
    assert.deepEqual(t.leave('srv10', 7000), { ok: true, changes: [], note: 'no row' });
  });
  it('refuses bad ports and unknown servers', () => {
    const t = fresh();
    assert.equal((t.setState('srv10', 0, 'active') as { code: number }).code, 400);
    assert.equal((t.join('nobody', 7000, 'active') as { code: number }).code, 404);
  });
});
