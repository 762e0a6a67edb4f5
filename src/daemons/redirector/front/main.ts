// redirector: seed 002's front end, inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/redirector/front/main.js --config FILE
// The kernel forwards (nftables DNAT by ratio cycle + conntrack); this process owns tables 111
// and 112, detects failed back ends, reads the agents' load, and serves the status and admin
// API (GET /status; POST /ratio, /backend/add, /backend/remove, /backend/stop), and in a pair
// GET /sync (what the standby copies) and POST /role (arp-ha's mode-change notices).
import { z } from 'zod';
import { systemClock } from '../../../common/clock.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { createEventLog } from '../../shared/event-log.js';
import { ConflictError, ok, route, startJsonApi } from '../../shared/json-api.js';
import { modeNoticeSchema } from '../../shared/mode-notice.js';
import { errorMessage } from '../../../common/errors.js';
import { applyDaemonScheduling } from '../../../kernel/process-priority.js';
import { waitForInterface } from '../../shared/wait-for-interface.js';
import { removeDataPlane } from './data-plane.js';
import { loadRedirectorConfig, ratioSchema, type RedirectorConfig } from './redirector-config.js';
import { AdminRefusal, type Outcome } from './redirector-core.js';
import { Redirector } from './redirector.js';

const member = z.object({ port: z.number().int().min(1).max(65535), backend: z.string().min(1) }).strict();
const withRatio = member.extend({ ratio: ratioSchema }).strict();

const run = async (config: RedirectorConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'redirector', { clock });
  applyDaemonScheduling(config, (problem) => emit('warning', { problem }));
  await waitForInterface(config.outside.iface);
  await waitForInterface(config.insideIface);
  const r = new Redirector(config, emit, clock);
  await r.start();

  // An admin request is decided by the core (a refusal is 409 naming why), carried out, then answered with the new status.
  const admin = async (decide: () => Outcome) => {
    let outcome: Outcome;
    try {
      outcome = decide();
    } catch (e) {
      if (e instanceof AdminRefusal) throw new ConflictError(e.message);
      throw e;
    }
    await r.apply(outcome);
    return ok(r.status());
  };
  const api = await startJsonApi(config.listen, config.token, [
    route({ method: 'GET', path: '/status', handle: () => ok(r.status()) }),
    // The forwarded connections with their NAT bindings, and table 112: what a standby front end copies.
    route({ method: 'GET', path: '/sync', handle: () => ok(r.syncBody()) }),
    // arp-ha's notice of a mode change of the VIP's group (its `notify`): a front end of a pair
    // takes over the instant the VIP is here. A notice it cannot take is a 409 naming why.
    route({
      method: 'POST',
      path: '/role',
      body: modeNoticeSchema,
      handle: ({ body }) => {
        try {
          return ok(r.onModeNotice(body));
        } catch (e) {
          throw new ConflictError(errorMessage(e));
        }
      },
    }),
    route({
      method: 'POST',
      path: '/ratio',
      body: withRatio,
      handle: ({ body }) => admin(() => r.core.setRatio(body.port, body.backend, body.ratio)),
    }),
    route({
      method: 'POST',
      path: '/backend/add',
      body: withRatio,
      handle: ({ body }) => admin(() => r.core.add(body.port, body.backend, body.ratio)),
    }),
    route({
      method: 'POST',
      path: '/backend/remove',
      body: member,
      handle: ({ body }) => admin(() => r.core.remove(body.port, body.backend)),
    }),
    route({
      method: 'POST',
      path: '/backend/stop',
      body: member,
      handle: ({ body }) => admin(() => r.core.stop(body.port, body.backend, clock.nowMs())),
    }),
  ]);
  emit('started', { listen: config.listen, vip: config.vip, services: r.core.table.snapshot() });

  onStopSignals(emit, async () => {
    await api.close();
    await r.close();
    // Leaving on purpose: take the rules away so nothing half-configured stays in the node.
    await removeDataPlane();
  });
};

runDaemon('redirector', loadRedirectorConfig, run);
