// Pure: what the agent must tell the device, from which of its ports have a listener now. A
// listener appearing is the application's start (register / join), one disappearing its stop
// (deregister / leave); while it runs the registration is said again every refresh (the device
// treats a repeat as a no-op, and it restores what a link-down removed).
import type { NicPath, NicRequest } from '../protocol.js';
import type { AgentConfig } from './agent-config.js';

export type AgentCommand = { [P in NicPath]: { path: P; body: NicRequest<P> } }[NicPath];

/** What the device holds for us, as far as the agent knows (updated from the device's answers). */
export interface AgentState {
  registered: boolean;
  joined: Set<number>;
}

export const initialState = (): AgentState => ({ registered: false, joined: new Set() });

export const agentCommands = (
  config: Pick<AgentConfig, 'server' | 'register' | 'ports'>,
  state: AgentState,
  listening: ReadonlySet<number>,
  refreshDue: boolean,
): AgentCommand[] => {
  const server = config.server;
  const out: AgentCommand[] = [];
  const r = config.register;
  if (r) {
    const up = listening.has(r.port);
    if (up && (!state.registered || refreshDue)) out.push({ path: '/register', body: { server, ip: r.ip } });
    if (!up && state.registered) out.push({ path: '/deregister', body: { server, ip: r.ip } });
  }
  for (const p of config.ports ?? []) {
    const up = listening.has(p.port);
    const joined = state.joined.has(p.port);
    if (up && (!joined || refreshDue)) out.push({ path: '/port/join', body: { server, port: p.port, state: p.state } });
    if (!up && joined) out.push({ path: '/port/leave', body: { server, port: p.port } });
  }
  return out;
};

/** The state after the device accepted `command`. */
export const accepted = (state: AgentState, command: AgentCommand): void => {
  switch (command.path) {
    case '/register':
      state.registered = true;
      break;
    case '/deregister':
      state.registered = false;
      break;
    case '/port/join':
      state.joined.add(command.body.port);
      break;
    case '/port/leave':
      state.joined.delete(command.body.port);
      break;
    default:
      break;
  }
};

/** Everything to withdraw when the agent stops. */
export const withdrawAll = (config: Pick<AgentConfig, 'server' | 'register' | 'ports'>, state: AgentState): AgentCommand[] =>
  agentCommands(config, state, new Set(), false);
