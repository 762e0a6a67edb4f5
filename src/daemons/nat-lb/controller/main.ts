// nat-controller (seed 001, control mechanism 52): on a server (claim 2) or its own node.
// Collects per-VIP traffic from the balancers, detects dead ones, and moves VIPs with their
// connection rows in the patent's four steps; repairs half-done moves on start.
//   node /opt/failover-lab/dist/src/daemons/nat-lb/controller/main.js --config FILE
import { Command } from 'commander';
import { errorMessage, InputFileError } from '../../../common/errors.js';
import { createEventLog } from '../../shared/event-log.js';
import { startJsonApi } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { controllerRoutes } from './controller-api.js';
import { loadControllerConfig, type ControllerConfig } from './controller-config.js';
import { ControlClient } from './control-client.js';
import { NatController } from './controller.js';

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
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
};

const program = new Command('nat-controller')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .action(async (o: { config: string }) => run(await loadControllerConfig(o.config)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`nat-controller: ${errorMessage(error)}\n`);
  process.exit(error instanceof InputFileError ? 2 : 1);
});
