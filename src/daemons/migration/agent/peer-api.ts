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
  /** The VIP muted here while a migration's copy is restored and not yet thawed (probe-control.ts muteChange says why). */
  muted: Map<string, string>;
}

export interface PeerDeps {
  local: LocalOps;
  clock: Clock;
  emit: EmitEvent;
  host: string;
  state: PeerState;
  /** Drop (or stop dropping) everything sent from the VIP here. */
  mute: (vip: string, on: boolean) => Promise<void>;
}

export const peerRoutes = (deps: PeerDeps): Route[] => {
  const receiving = new Map<string, Promise<void>>();
  const { local, clock, emit, state } = deps;
  const unmute = async (migration: string) => {
    const vip = state.muted.get(migration);
    if (vip === undefined) return;
    await deps.mute(vip, false);
    state.muted.delete(migration);
  };
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
        if (body.vip) {
          await deps.mute(body.vip, true);
          state.muted.set(body.migration, body.vip);
          await local.vip('add', body.vip);
        }
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
        // Before the thaw (the user's port has moved): a segment the thawed service wrote into the
        // mute would count as sent and wait out a 1 s retransmission timeout.
        await unmute(body.migration);
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
        // Still muted: the killed copy's sockets close (with resets) after kill() returns. The
        // next restore mutes the VIP again, a VIP given here unmutes it.
        state.muted.delete(body.migration);
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
        if (body.action === 'add') await deps.mute(body.vip, false);
        await local.vip(body.action, body.vip);
        emit('vip', { migration: body.migration, action: body.action, vip: body.vip, ...(pid ? { pid } : {}) });
        return ok(pid ? { pid } : {});
      },
    }),
  ];
};
