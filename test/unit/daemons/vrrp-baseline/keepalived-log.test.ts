import { strict as assert } from 'node:assert';
import { parseKeepalivedLine, vipsByGroup } from '../../../../src/daemons/vrrp-baseline/keepalived-log.js';

describe('keepalived log lines as events', () => {
  it('maps VRRP states to modes', () => {
    assert.deepEqual(parseKeepalivedLine('Sun Nov 22 02:01:27 2026: (web) Entering MASTER STATE'), {
      event: 'mode',
      group: 'web',
      to: 'ACTIVE',
      state: 'MASTER',
    });
    assert.deepEqual(parseKeepalivedLine('Sun Nov 22 02:01:27 2026: (web) Entering BACKUP STATE (init)'), {
      event: 'mode',
      group: 'web',
      to: 'STANDBY',
      state: 'BACKUP',
    });
    assert.deepEqual(parseKeepalivedLine('(db) Entering FAULT STATE'), { event: 'mode', group: 'db', to: 'STANDBY', state: 'FAULT' });
  });
  it('sees announcements and advertisement timeouts, ignores the rest', () => {
    assert.deepEqual(parseKeepalivedLine('x: (web) Sending/queueing gratuitous ARPs on eth1 for 198.18.7.100'), {
      event: 'garp-sent',
      group: 'web',
      iface: 'eth1',
      vip: '198.18.7.100',
    });
    assert.deepEqual(parseKeepalivedLine('x: (web) Receive advertisement timeout'), { event: 'peer-down', group: 'web' });
    assert.equal(parseKeepalivedLine('x: Sending gratuitous ARP on eth1 for 198.18.7.100'), undefined);
    assert.equal(parseKeepalivedLine('x: Startup complete'), undefined);
  });
  it("knows each instance's VIP: NAME=IP per instance, or a bare IP for --group", () => {
    assert.deepEqual(
      [...vipsByGroup(['V1=198.18.20.101', 'V3=198.18.20.103'])],
      [
        ['V1', '198.18.20.101'],
        ['V3', '198.18.20.103'],
      ],
    );
    assert.deepEqual([...vipsByGroup(['198.18.7.100'], 'web')], [['web', '198.18.7.100']]);
    assert.throws(() => vipsByGroup(['198.18.7.100']), /NAME=IP, or --group/);
    assert.throws(() => vipsByGroup(['V1=198.18.20']), /not an IPv4 address/);
    assert.throws(() => vipsByGroup(['V1=198.18.20.101', 'V1=198.18.20.102']), /already has VIP 198.18.20.101/);
    assert.throws(() => vipsByGroup([]), /at least one --vip/);
  });
});
