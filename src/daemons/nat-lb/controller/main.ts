// nat-controller (seed 001, control mechanism 52): on a server (claim 2) or its own node.
// Collects per-VIP traffic from the balancers, detects dead ones, and moves VIPs with their
// connection rows in the patent's four steps; repairs half-done moves on start.
//   node /opt/failover-lab/dist/src/daemons/nat-lb/controller/main.js --config FILE
import { createEventLog } from '../../shared/event-log.js';
import { startJsonApi } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { controllerRoutes } from './controller-api.js';
import { loadControllerConfig, type ControllerConfig } from './controller-config.js';
import { ControlClient } from './control-client.js';
import { NatController } from './controller.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';

const run = async (config: ControllerConfig): Promise<void> => {
  const emit = createEventLog(config.node, 'nat-controller');
  const controller = new NatController(config, { client: new ControlClient(), emit });
  await waitForListenAddress(config.listen);
  const api = await startJsonApi(config.listen, config.token, controllerRoutes(controller));
  controller.start();
  const shutdown = async (signal: string) => {
    controller.stop();
    await api.close();
    emit('stopped', { signal });
    process.exit(0);
  };
  onStopSignals(shutdown);
};

runDaemon('nat-controller', loadControllerConfig, run);
