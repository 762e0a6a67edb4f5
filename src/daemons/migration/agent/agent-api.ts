// The agent's control-network API for the coordinator: S702 (/switch-start, answered with
// S706), S709 (/resume, answered with S711), /rollback and /status. A failed step answers 500
// with its reason; the coordinator then rolls back.
import { ok, route, type Route } from '../../shared/json-api.js';
import { AGENT_PATHS, resumeSchema, rollbackSchema, switchStartSchema, type ServiceAt } from '../protocol.js';
import type { PeerState } from './peer-api.js';
import type { Handover } from './agent-ops.js';

export const agentRoutes = (deps: { node: string; realIp: string; switching: Handover; peerState: PeerState }): Route[] => {
  let lastVip = '';
  let copyMode = false;
  const serviceAt = (): ServiceAt => {
    const log = deps.switching.current();
    if (!log || log.phase === 'idle' || log.phase === 'rolled-back') return 'main';
    return copyMode ? 'both' : 'backup';
  };
  return [
    route({
      method: 'POST',
      path: AGENT_PATHS.switchStart,
      body: switchStartSchema,
      handle: async ({ body }) => {
        lastVip = body.vip;
        copyMode = body.vipMode === 'copy';
        return ok(await deps.switching.start(body));
      },
    }),
    route({
      method: 'POST',
      path: AGENT_PATHS.resume,
      body: resumeSchema,
      handle: async ({ body }) =>
        ok({ migration: body.migration, resumed: await deps.switching.resume(body.migration, body.processes, deps.realIp) }),
    }),
    route({
      method: 'POST',
      path: AGENT_PATHS.rollback,
      body: rollbackSchema,
      handle: async ({ body }) =>
        ok({ migration: body.migration, answering: 'main', undone: await deps.switching.rollback(body.migration, lastVip) }),
    }),
    route({
      method: 'GET',
      path: AGENT_PATHS.status,
      handle: () => {
        const log = deps.switching.current();
        return ok({
          node: deps.node,
          ...(log ? { migration: log.migration, phase: log.phase, done: log.done() } : {}),
          serviceAt: serviceAt(),
          frozen: log?.phase === 'frozen',
          restoredHere: Object.fromEntries(deps.peerState.restored),
        });
      },
    }),
  ];
};
