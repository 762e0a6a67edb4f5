// The agent's control-network API for the coordinator: S702 (/switch-start, answered with
// S706), S709 (/resume, answered with S711), /rollback, /status and the coordinator's
// /keepalive. A failed step answers 500 with its reason; the coordinator then rolls back.
import { ok, route, type Route } from '../../shared/json-api.js';
import {
  AGENT_PATHS,
  keepaliveSchema,
  resumeSchema,
  rollbackSchema,
  switchStartSchema,
  type Keepalive,
  type ServiceAt,
} from '../protocol.js';
import type { PeerState } from './peer-api.js';
import type { Handover } from './agent-ops.js';

export interface AgentRouteDeps {
  node: string;
  realIp: string;
  switching: Handover;
  peerState: PeerState;
  /** The VIP of the last S702, kept for a rollback (the coordinator's or the watchdog's). */
  session: { vip: string };
  keepalive: (k: Keepalive) => void;
}

export const agentRoutes = (deps: AgentRouteDeps): Route[] => {
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
        deps.session.vip = body.vip;
        copyMode = body.vipMode === 'copy';
        return ok(await deps.switching.start(body));
      },
    }),
    route({
      method: 'POST',
      path: AGENT_PATHS.keepalive,
      body: keepaliveSchema,
      handle: ({ body }) => {
        deps.keepalive(body);
        return ok({});
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
        ok({ migration: body.migration, answering: 'main', undone: await deps.switching.rollback(body.migration, deps.session.vip) }),
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
