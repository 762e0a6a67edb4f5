import { strict as assert } from 'node:assert';
import { parseAgentConfig } from '../../../../src/daemons/shared-nic/agent/agent-config.js';
import { accepted, agentCommands, initialState, withdrawAll } from '../../../../src/daemons/shared-nic/agent/agent-plan.js';
import { listeningPorts } from '../../../../src/daemons/shared-nic/agent/listeners.js';
import { parseSharedNicConfig } from '../../../../src/daemons/shared-nic/device/shared-nic-config.js';
import { InputFileError } from '../../../../src/common/errors.js';

const PROC = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1B58 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0B2812C6:1B59 010012C6:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
   2: 0100007F:1B9E 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
`;

describe('nic-agent', () => {
  it('reads the listening ports from /proc/net/tcp (LISTEN rows only)', () => {
    assert.deepEqual([...listeningPorts(PROC)], [7000, 7070]);
    assert.deepEqual([...listeningPorts('')], []);
  });
  const config = { server: 'srv10', register: { ip: '198.18.40.11', port: 7000 }, ports: [{ port: 7001, state: 'active' as const }] };
  it('registers and joins when the application listens, refreshes while it runs, withdraws when it stops', () => {
    const s = initialState();
    assert.deepEqual(agentCommands(config, s, new Set(), false), []);
    const start = agentCommands(config, s, new Set([7000, 7001]), false);
    assert.deepEqual(start, [
      { path: '/register', body: { server: 'srv10', ip: '198.18.40.11' } },
      { path: '/port/join', body: { server: 'srv10', port: 7001, state: 'active' } },
    ]);
    for (const c of start) accepted(s, c);
    assert.deepEqual(agentCommands(config, s, new Set([7000, 7001]), false), [], 'nothing new');
    assert.equal(agentCommands(config, s, new Set([7000, 7001]), true).length, 2, 'refresh');
    const stop = agentCommands(config, s, new Set([7001]), false);
    assert.deepEqual(stop, [{ path: '/deregister', body: { server: 'srv10', ip: '198.18.40.11' } }]);
    accepted(s, stop[0]!);
    assert.deepEqual(withdrawAll(config, s), [{ path: '/port/leave', body: { server: 'srv10', port: 7001 } }]);
  });
  it('a refused registration is tried again (the state only follows accepted commands)', () => {
    const s = initialState();
    assert.equal(agentCommands(config, s, new Set([7000]), false).length, 1);
    assert.equal(agentCommands(config, s, new Set([7000]), false).length, 1);
  });
  it('configs: bad input names file and line', () => {
    assert.throws(
      () => parseAgentConfig('device: { api: 198.18.41.1:7080, token: abcdefgh }\nserver: srv10\n', '/a.yml'),
      (e: unknown) => e instanceof InputFileError && /give register/.test(e.message),
    );
    assert.throws(
      () =>
        parseAgentConfig(
          'device: { api: 198.18.41.1:7080, token: abcdefgh }\nserver: srv10\nports:\n  - { port: 7000, state: active }\n  - { port: 7000, state: standby }\n',
          '/a.yml',
        ),
      (e: unknown) => e instanceof InputFileError && e.position.line === 5 && /listed twice/.test(e.message),
    );
    const device = `token: abcdefgh\nlisten: 0.0.0.0:7080\nexternal: { iface: eth1, mac: "02:00:00:00:00:32", address: 198.18.40.37/24 }\nservers:\n  - { name: srv10, iface: eth2, address: 198.18.41.10 }\n  - { name: srv20, iface: eth2, address: 198.18.42.20 }\n`;
    assert.throws(
      () => parseSharedNicConfig(device, '/d.yml'),
      (e: unknown) => e instanceof InputFileError && e.position.line === 6 && /iface eth2 is given to two servers/.test(e.message),
    );
    const good = parseSharedNicConfig(device.replace('iface: eth2, address: 198.18.42.20', 'iface: eth3, address: 198.18.42.20'), '/d.yml');
    assert.equal(good.deviceIp, '198.18.40.37');
    assert.equal(good.autoSwitch, undefined, 'the automatic switch is off by default');
  });
});
