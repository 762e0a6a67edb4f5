// The backup side of a hand-over, on the migration network: arm a one-shot image receiver,
// restore what arrived (with the VIP added first), thaw on resume, discard on rollback. Only an
// authenticated call arms the receiver, and it takes one stream then closes.
import type { Clock } from '../../../common/clock.js';
import { fail, ok, route, type Route } from '../../shared/json-api.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { PEER_PATHS, peerDiscardSchema, peerReceiveSchema, peerRestoreSchema, peerThawSchema, peerVipSchema } from '../protocol.js';
import type { LocalOps } from './agent-ops.js';

export interface PeerState {
  /** The copies restored here, by migration. */
  restored: Map<string, number>;
  frozen: Set<number>;
}

export const peerRoutes = (deps: { local: LocalOps; clock: Clock; emit: EmitEvent; host: string; state: PeerState }): Route[] => {
  const receiving = new Map<string, Promise<void>>();
  const { local, clock, emit, state } = deps;
  return [
    route({
      method: 'POST',
      path: PEER_PATHS.receive,
      body: peerReceiveSchema,
      handle: async ({ body }) => {
        const r = await local.receiveImages(local.imagesDir(body.migration));
        receiving.set(body.migration, r.done);
        // Nobody may be waiting on it yet; its failure is reported by /peer/restore.
        r.done.catch(() => undefined);
        return ok({ host: deps.host, port: r.port });
      },
    }),
    route({
      method: 'POST',
      path: PEER_PATHS.restore,
      body: peerRestoreSchema,
      handle: async ({ body }) => {
        const done = receiving.get(body.migration);
        if (!done) return fail(409, `no images are being received for '${body.migration}'`);
        await done;
        receiving.delete(body.migration);
        if (body.vip) await local.vip('add', body.vip);
        const t0 = clock.monotonicMs();
        const pid = await local.restore(local.imagesDir(body.migration));
        const restoreMs = Math.round(clock.monotonicMs() - t0);
        state.restored.set(body.migration, pid);
        state.frozen.add(pid);
        emit('restored', { migration: body.migration, pid, restoreMs });
        return ok({ pid, restoreMs });
      },
    }),
    route({
      method: 'POST',
      path: PEER_PATHS.thaw,
      body: peerThawSchema,
      handle: async ({ body }) => {
        for (const pid of body.pids) {
          await local.signal(pid, 'CONT');
          state.frozen.delete(pid);
        }
        emit('thawed', { migration: body.migration, pids: body.pids });
        return ok({});
      },
    }),
    route({
      method: 'POST',
      path: PEER_PATHS.discard,
      body: peerDiscardSchema,
      handle: async ({ body }) => {
        const pid = body.pid ?? state.restored.get(body.migration);
        // A restore that failed half-way may have left no process: nothing to kill is fine.
        if (pid !== undefined) await local.signal(pid, 'KILL').catch(() => undefined);
        if (body.vip) await local.vip('del', body.vip).catch(() => undefined);
        state.restored.delete(body.migration);
        emit('discarded', { migration: body.migration, pid, vip: body.vip });
        return ok({});
      },
    }),
    route({
      method: 'POST',
      path: PEER_PATHS.vip,
      body: peerVipSchema,
      handle: async ({ body }) => {
        // The service must be there before it is given the address: a VIP on a server without it would refuse every client.
        const pid = body.process ? await local.findPid(body.process) : undefined;
        await local.vip(body.action, body.vip);
        emit('vip', { migration: body.migration, action: body.action, vip: body.vip, ...(pid ? { pid } : {}) });
        return ok(pid ? { pid } : {});
      },
    }),
  ];
};
