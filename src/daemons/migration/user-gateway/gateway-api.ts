// The user gateway's HTTP surface: POST /switch (S707; the reply is the switch end notice) and
// GET /status (the port table). Moves run one request at a time, in order, so a rollback's
// switch-back never overtakes the switch it undoes, and a rollback fences its migration: a late
// request of it (409) never follows the switch-back.
import { fail, ok, route, type Route } from '../../shared/json-api.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { networkSwitchSchema, type NetworkSwitch, type NetworkSwitchEnd } from '../protocol.js';
import { FencedMigrationError, UnknownUserError, type PortMove, type PortTable } from './port-table.js';

export interface GatewayDeps {
  node: string;
  table: PortTable;
  now: () => number;
  emit: EmitEvent;
  movePort: (move: PortMove) => Promise<void>;
  announce: (ip: string, mac: string, port: string) => Promise<void>;
}

export const gatewayRoutes = (deps: GatewayDeps): Route[] => {
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => undefined);
    return next;
  };
  const apply = async (body: NetworkSwitch): Promise<NetworkSwitchEnd> => {
    const moves = deps.table.plan(body);
    if (body.rollback === true && deps.table.fence(body.migration, deps.now()))
      deps.emit('migration-fenced', { migration: body.migration });
    const switched: NetworkSwitchEnd['switched'] = [];
    for (const m of moves) {
      await deps.movePort(m);
      deps.table.moved(m);
      const atMs = deps.now();
      switched.push({ name: m.user, from: m.from, to: m.to, atMs });
      deps.emit('port-moved', { migration: body.migration, user: m.user, port: m.port, from: m.from, to: m.to });
    }
    let announced = false;
    if (body.announce?.mac) {
      for (const u of body.users) await deps.announce(body.announce.ip, body.announce.mac, deps.table.portOf(u.name)!);
      announced = true;
      deps.emit('router-announced', { migration: body.migration, ip: body.announce.ip, mac: body.announce.mac });
    }
    return { migration: body.migration, switched, announced };
  };
  return [
    route({
      method: 'POST',
      path: '/switch',
      body: networkSwitchSchema,
      handle: async ({ body }) => {
        try {
          return ok(await serially(() => apply(body)));
        } catch (e) {
          if (e instanceof UnknownUserError) return fail(400, e.message);
          if (e instanceof FencedMigrationError) {
            deps.emit('switch-refused', { migration: body.migration, users: body.users, reason: e.message });
            return fail(409, e.message);
          }
          throw e;
        }
      },
    }),
    route({ method: 'GET', path: '/status', handle: () => ok({ node: deps.node, users: deps.table.rows() }) }),
  ];
};
