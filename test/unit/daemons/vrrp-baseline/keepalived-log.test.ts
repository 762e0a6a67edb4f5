import { strict as assert } from 'node:assert';
import { parseKeepalivedLine } from '../../../../src/daemons/vrrp-baseline/keepalived-log.js';

describe('keepalived log lines as events', () => {
  it('maps VRRP states to modes', () => {
    assert.deepEqual(parseKeepalivedLine('Sun Nov 22 02:01:27 2026: (web) Entering MASTER STATE'), { event: 'mode', group: 'web', to: 'ACTIVE', state: 'MASTER' });
    assert.deepEqual(parseKeepalivedLine('Sun Nov 22 02:01:27 2026: (web) Entering BACKUP STATE (init)'), { event: 'mode', group: 'web', to: 'STANDBY', state: 'BACKUP' });
    assert.deepEqual(parseKeepalivedLine('(db) Entering FAULT STATE'), { event: 'mode', group: 'db', to: 'STANDBY', state: 'FAULT' });
  });
  it('sees announcements and advertisement timeouts, ignores the rest', () => {
    assert.deepEqual(parseKeepalivedLine('x: (web) Sending/queueing gratuitous ARPs on eth1 for 198.18.7.100'), { event: 'garp-sent', iface: 'eth1', vip: '198.18.7.100' });
    assert.deepEqual(parseKeepalivedLine('x: (web) Receive advertisement timeout'), { event: 'peer-down', group: 'web' });
    assert.equal(parseKeepalivedLine('x: Sending gratuitous ARP on eth1 for 198.18.7.100'), undefined);
    assert.equal(parseKeepalivedLine('x: Startup complete'), undefined);
  });
});
