// nat-controller (seed 001, control mechanism 52): on a server (claim 2) or its own node.
// Collects per-VIP traffic from the balancers, detects dead ones, and moves VIPs with their
// connection rows in the patent's four steps; repairs half-done moves on start.
//   node /opt/failover-lab/dist/src/daemons/nat-lb/controller/main.js --config FILE
import { createSocket, type Socket } from 'node:dgram';
import { systemClock, type Clock } from '../../../common/clock.js';
import { splitHostPort } from '../../../common/host-port.js';
import { isReported } from '../../shared/rare-report.js';
import { createEventLog, type EmitEvent } from '../../shared/event-log.js';
import { LivenessGuard } from '../liveness.js';
import { startJsonApi } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { controllerRoutes } from './controller-api.js';
import { loadControllerConfig, type ControllerConfig } from './controller-config.js';
import { ControlClient } from './control-client.js';
import { NatController } from './controller.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { applyDaemonScheduling } from '../../../kernel/process-priority.js';

/** Receives the balancers' liveness datagrams; refusals are counted (events: the first, then every 100th). */
const listenForLiveness = async (config: ControllerConfig, controller: NatController, emit: EmitEvent, clock: Clock): Promise<Socket> => {
  const { listen, key } = config.liveness!;
  const guard = new LivenessGuard(Buffer.from(key, 'utf8'));
  const names = new Set(config.balancers.map((b) => b.name));
  let refused = 0;
  const socket = createSocket('udp4');
  socket.on('message', (packet, from) => {
    const verdict = guard.accept(packet, clock.nowMs());
    if (verdict.ok && names.has(verdict.liveness.node)) return controller.onLiveness(verdict.liveness.node);
    refused++;
    if (isReported(refused))
      emit('liveness-refused', {
        from: `${from.address}:${from.port}`,
        reason: verdict.ok ? `unknown balancer ${verdict.liveness.node}` : verdict.reason,
        count: refused,
      });
  });
  socket.on('error', (e) => emit('error', { error: `liveness socket: ${e.message}` }));
  await waitForListenAddress(listen);
  const { host, port } = splitHostPort(listen);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
};

const run = async (config: ControllerConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'nat-controller', { clock });
  applyDaemonScheduling(
    config,
    (problem) => emit('warning', { problem }),
    (choice) => emit('scheduling', { ...choice }),
  );
  const controller = new NatController(config, { client: new ControlClient(), emit, clock });
  await waitForListenAddress(config.listen);
  const api = await startJsonApi(config.listen, config.token, controllerRoutes(controller));
  controller.start();
  const liveness = config.liveness ? await listenForLiveness(config, controller, emit, clock) : undefined;
  onStopSignals(emit, async () => {
    controller.stop();
    liveness?.close();
    await api.close();
  });
};

runDaemon('nat-controller', loadControllerConfig, run);
