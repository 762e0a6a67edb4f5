// shared-nic: the communication processing device of seed 004, inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/shared-nic/device/main.js --config FILE
// One external interface (NIC 31) with a pinned MAC 32; the kernel answers ARP, routes by
// destination IP (embodiment 1) and translates by destination port to the active server
// (embodiment 2); this process keeps the tables, takes the servers' commands on its API and
// serves GET /status.
import { systemClock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { createEventLog } from '../../shared/event-log.js';
import { fail, ok, route, startJsonApi, type Route } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { applyDaemonScheduling } from '../../../kernel/process-priority.js';
import { waitForInterface } from '../../shared/wait-for-interface.js';
import { nicRequests, type NicPath } from '../protocol.js';
import { DataPlane } from './data-plane.js';
import { NicDevice, RefusedError } from './nic-device.js';
import { loadSharedNicConfig, type SharedNicConfig } from './shared-nic-config.js';

/** How often held refusals are looked for: one non-blocking read, and a held client waits on it. */
const REFUSAL_POLL_MS = 5;

const run = async (config: SharedNicConfig): Promise<void> => {
  const emit = createEventLog(config.node, 'shared-nic', { clock: systemClock });
  applyDaemonScheduling(config, (problem) => emit('warning', { problem }));
  await waitForInterface(config.external.iface);
  for (const s of config.servers) await waitForInterface(s.iface);
  const plane = new DataPlane(config);
  await plane.install();
  const device = new NicDevice(config, plane, emit);

  const commandRoute = (path: NicPath): Route =>
    route({
      method: 'POST',
      path,
      body: nicRequests[path],
      handle: async ({ body }) => {
        try {
          return ok(await device.command(path, body));
        } catch (e) {
          if (e instanceof RefusedError) return fail(e.code, e.message);
          throw e;
        }
      },
    });
  await waitForListenAddress(config.listen);
  const api = await startJsonApi(config.listen, config.token, [
    route({ method: 'GET', path: '/status', handle: () => ok(device.status()) }),
    ...(Object.keys(nicRequests) as NicPath[]).map(commandRoute),
  ]);
  const guard = (what: string, work: () => Promise<void>) => () =>
    void work().catch((e: unknown) => emit('error', { what, error: errorMessage(e) }));
  const links = setInterval(
    guard('link poll', () => device.pollLinks()),
    config.linkPollMs,
  );
  const health = config.autoSwitch
    ? setInterval(
        guard('health check', () => device.checkHealth()),
        config.autoSwitch.intervalMs,
      )
    : undefined;
  const refusals = config.autoSwitch?.holdRefused
    ? setInterval(
        guard('refusal watch', () => device.watchRefusals()),
        REFUSAL_POLL_MS,
      )
    : undefined;
  emit('started', {
    listen: config.listen,
    mac: config.external.mac,
    deviceIp: config.deviceIp,
    servers: config.servers.map((s) => s.name),
    autoSwitch: config.autoSwitch ?? false,
  });
  emit('tables', device.tableDump());

  onStopSignals(emit, async () => {
    clearInterval(links);
    if (health) clearInterval(health);
    if (refusals) clearInterval(refusals);
    await api.close();
    emit('tables', device.tableDump());
    await plane.remove(device.tables.table35().map((r) => r.ip));
    plane.close();
  });
};

runDaemon('shared-nic', loadSharedNicConfig, run);
