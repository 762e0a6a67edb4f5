// user-gateway (seed 003, the connection control means 4 / 205): runs on the user site's
// switch and moves a named user's access port from the main site's VLAN to the backup's.
//   node /opt/failover-lab/dist/src/daemons/migration/user-gateway/main.js --config FILE
import { systemClock } from '../../../common/clock.js';
import { runCommand } from '../../../kernel/run-command.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { createEventLog } from '../../shared/event-log.js';
import { announce } from '../../shared/garp.js';
import { startJsonApi } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { gatewayRoutes } from './gateway-api.js';
import { loadGatewayConfig, type GatewayConfig } from './gateway-config.js';
import { PortTable } from './port-table.js';

const run = async (config: GatewayConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'user-gateway', { clock });
  const table = new PortTable(config.users);
  await waitForListenAddress(config.listen);
  const api = await startJsonApi(
    config.listen,
    config.token,
    gatewayRoutes({
      node: config.node,
      table,
      now: () => clock.nowMs(),
      emit,
      movePort: async (m) => {
        if (config.switchMode === 'bridge-per-vlan')
          await runCommand('ip', ['link', 'set', 'dev', m.port, 'master', `vlan${m.to}`], { timeoutMs: 5000 });
        else await runCommand(config.switchCommand, ['port', m.port, String(m.to)], { timeoutMs: 5000 });
      },
      announce: (ip, mac, port) => announce(ip, port, mac, config.announce.count, config.announce.intervalMs),
    }),
  );
  emit('started', { listen: config.listen, users: table.rows() });
  onStopSignals(emit, async () => {
    await api.close();
  });
};

runDaemon('user-gateway', loadGatewayConfig, run);
