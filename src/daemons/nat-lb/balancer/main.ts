// nat-balancer: one NAT load balancer of seed 001, inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/nat-lb/balancer/main.js --config FILE
// The kernel forwards (nftables NAT + conntrack); this process owns the mode table, holds
// packets during a migration (NFQUEUE), moves rows, pushes copies to the servers, and serves
// the control API of protocol.ts plus GET /status.
import type { z } from 'zod';
import { systemClock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import { ok, route, startJsonApi, type Route } from '../../shared/json-api.js';
import { startLivenessSender } from './liveness-sender.js';
import { createEventLog } from '../../shared/event-log.js';
import { waitForInterface } from '../../shared/wait-for-interface.js';
import { balancerRequests, balancerRowsQuery, type BalancerPath } from '../protocol.js';
import { loadBalancerConfig, type BalancerConfig } from './balancer-config.js';
import { startCopyPush } from './copy-push.js';
import { removeDataPlane } from './data-plane.js';
import { NatBalancer } from './nat-balancer.js';
import { vipRowsBody } from '../row-validation.js';
import { startTableReport } from './table-report.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { applyDaemonScheduling } from '../../../kernel/process-priority.js';

const HOLD_POLL_MS = 20;
const TABLE_REPORT_MS = 500;
const READING_MS = 250;

const run = async (config: BalancerConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'nat-balancer', { clock });
  applyDaemonScheduling(
    config,
    (problem) => emit('warning', { problem }),
    (choice) => emit('scheduling', { ...choice }),
  );
  await waitForInterface(config.outside.iface);
  await waitForInterface(config.inside.iface);
  const lb = new NatBalancer(config, emit, clock);
  await lb.start();
  const stopReadings = lb.startReadings(READING_MS);

  type StepBody<P extends BalancerPath> = z.infer<(typeof balancerRequests)[P]>;
  // The route has checked body against balancerRequests[path]; through a generic P, TS only sees any.
  const step = <P extends BalancerPath>(path: P, handle: (body: StepBody<P>) => Promise<unknown>): Route =>
    route({ method: 'POST', path, body: balancerRequests[path], handle: async ({ body }) => ok(await handle(body as StepBody<P>)) });
  const api = await startJsonApi(config.listen, config.token, [
    route({ method: 'GET', path: '/status', handle: async () => ok(await lb.status()) }),
    route({
      method: 'GET',
      path: '/rows',
      query: balancerRowsQuery,
      handle: async ({ query }) => ok({ rows: await lb.accessTable(query.vip) }),
    }),
    step('/migration/begin', (b) => lb.begin(b.vip)),
    step('/address/take', (b) => lb.take(b.vip)),
    step('/address/release', (b) => lb.release(b.vip)),
    step('/rows/export', (b) => lb.exportRows(b.vip)),
    // The same strict schema, checked by a loop first: 10,000 rows in a few ms instead of zod's 100+.
    route({
      method: 'POST',
      path: '/rows/import',
      body: vipRowsBody,
      handle: async ({ body }) => ok(await lb.importRows(body.vip, body.rows)),
    }),
    step('/rows/delete', (b) => lb.deleteRows(b.vip)),
    step('/migration/finish', (b) => lb.finish(b.vip, b.kick === true)),
    step('/vip/forget', (b) => lb.forget(b.vip)),
    step('/migration/abort', (b) => lb.abort(b.vip)),
  ]);
  const holdTimer = setInterval(() => {
    try {
      lb.pollHold();
    } catch (e) {
      emit('error', { error: errorMessage(e) });
    }
  }, HOLD_POLL_MS);
  const stopCopies = startCopyPush(config, lb.counters, emit, () => lb.msSinceStep(), clock);
  const tables = startTableReport(
    lb.table,
    config.vips.map((v) => v.vip),
    emit,
    TABLE_REPORT_MS,
    () => lb.moveUnderWay(),
  );
  emit('started', {
    nat: config.nat,
    hold: config.migration.hold,
    listen: config.listen,
    vips: lb.table.list().map(([vip, e]) => ({ vip, mode: e.mode })),
  });
  const liveness = config.liveness
    ? startLivenessSender({ node: config.node, ...config.liveness }, (problem) => emit('warning', { problem }))
    : undefined;

  onStopSignals(emit, async () => {
    clearInterval(holdTimer);
    await liveness?.terminate();
    stopCopies();
    stopReadings();
    await tables.final();
    await api.close();
    await lb.close();
    // Leaving on purpose: take the rules away so nothing half-configured stays in the node.
    await removeDataPlane();
  });
};

runDaemon('nat-balancer', loadBalancerConfig, run);
