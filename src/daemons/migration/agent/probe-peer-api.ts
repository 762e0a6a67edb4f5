// The backup side of the probe path, on the migration network: keep the connections' state
// (with the VIP added and the hold rule on), have the local probe server rebuild them on resume,
// or drop it all on rollback.
import type { Clock } from '../../../common/clock.js';
import { ConflictError, ok, route, type Route } from '../../shared/json-api.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { PROBE_PEER_PATHS, probeDropSchema, probeRebuildSchema, probeStateSchema, type ProbeState } from '../protocol.js';
import type { LocalOps } from './agent-ops.js';
import type { HoldMode } from './probe-control.js';

export interface ProbePeerDeps {
  local: Pick<LocalOps, 'findPid' | 'vip'>;
  clock: Clock;
  emit: EmitEvent;
  control: string;
  /** How to find the local probe server (its pid is the restored copy's, for S706 and S709). */
  match: string;
  probe: (control: string, request: object, timeoutMs: number) => Promise<Record<string, unknown>>;
  hold: (vip: string, port: number, mode: HoldMode) => Promise<void>;
  timeoutMs: number;
}

export const probePeerRoutes = (deps: ProbePeerDeps): Route[] => {
  const kept = new Map<string, ProbeState>();
  const rebuild = async (state: ProbeState) => {
    const t0 = deps.clock.monotonicMs();
    // Only the resets stay held while the connections are rebuilt: a rebuilt connection sends at
    // once, and a full hold would drop the client's first ACKs, leaving that connection to its 1 s
    // initial RTO (measured: a second gap of 1 s); a client not rebuilt yet may already be sending
    // (with 1,000 connections 346 streams were reset before the resets were held as well).
    if (state.vip) await deps.hold(state.vip, state.port, 'resets');
    const reply = await deps.probe(deps.control, { op: 'restore', conns: state.items }, deps.timeoutMs);
    if (state.vip) await deps.hold(state.vip, state.port, 'off');
    const results = (reply.results ?? []) as { client: string; ok: boolean; error?: string }[];
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0)
      throw new Error(
        `rebuilt ${results.length - failed.length} of ${results.length}: ${failed.map((f) => `${f.client}: ${f.error}`).join('; ')}`,
      );
    const ms = Math.round(deps.clock.monotonicMs() - t0);
    deps.emit('rebuilt', { migration: state.migration, connections: results.length, ms });
    return { pid: await deps.local.findPid({ match: deps.match }), rebuilt: results.length, ms };
  };
  return [
    route({
      method: 'POST',
      path: PROBE_PEER_PATHS.state,
      body: probeStateSchema,
      handle: async ({ body }) => {
        if (body.vip) {
          await deps.hold(body.vip, body.port, 'all');
          await deps.local.vip('add', body.vip);
        }
        kept.set(body.migration, body);
        deps.emit('state-received', { migration: body.migration, connections: body.items.length });
        if (body.rebuildNow) return ok(await rebuild(body));
        return ok({ pid: await deps.local.findPid({ match: deps.match }), rebuilt: 0, ms: 0 });
      },
    }),
    route({
      method: 'POST',
      path: PROBE_PEER_PATHS.rebuild,
      body: probeRebuildSchema,
      handle: async ({ body }) => {
        const state = kept.get(body.migration);
        if (!state) throw new ConflictError(`no connection state kept for '${body.migration}'`);
        kept.delete(body.migration);
        return ok(await rebuild(state));
      },
    }),
    route({
      method: 'POST',
      path: PROBE_PEER_PATHS.drop,
      body: probeDropSchema,
      handle: async ({ body }) => {
        const state = kept.get(body.migration);
        kept.delete(body.migration);
        if (body.vip) {
          await deps.local.vip('del', body.vip).catch(() => undefined);
          await deps.hold(body.vip, state?.port ?? 0, 'off').catch(() => undefined);
        }
        deps.emit('state-dropped', { migration: body.migration });
        return ok({});
      },
    }),
  ];
};
