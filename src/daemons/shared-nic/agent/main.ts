// nic-agent: a server's side of seed 004, inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/shared-nic/agent/main.js --config FILE
// Watches this server's listening sockets: when the application starts it registers its IP
// (embodiment 1) or joins its port rows (embodiment 2) with the device; when it stops (or the
// agent does) it deregisters / leaves. The operator's switch and port-state commands are
// nic-command.ts.
import { readFileSync } from 'node:fs';
import { systemClock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { createEventLog } from '../../shared/event-log.js';
import { applyDaemonScheduling } from '../../../kernel/process-priority.js';
import { postCommand } from '../nic-client.js';
import { loadAgentConfig, type AgentConfig } from './agent-config.js';
import { accepted, agentCommands, initialState, withdrawAll, type AgentCommand } from './agent-plan.js';
import { listeningPorts } from './listeners.js';

const readListening = (): Set<number> => {
  const ports = new Set<number>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const p of listeningPorts(readFileSync(f, 'utf8'))) ports.add(p);
    } catch {
      // a kernel without IPv6 has no tcp6 file
    }
  }
  return ports;
};

const run = async (config: AgentConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'nic-agent', { clock });
  applyDaemonScheduling(config, (problem) => emit('warning', { problem }));
  const state = initialState();
  const lastRefusal = new Map<string, string>();
  let lastRefresh = clock.monotonicMs();
  let busy = false;

  const send = async (c: AgentCommand): Promise<void> => {
    const key = `${c.path} ${JSON.stringify(c.body)}`;
    try {
      // Each command's body matches its path (AgentCommand pairs them).
      const answer = await postCommand(config.device.api, config.device.token, c.path, c.body as never);
      if (answer.ok) {
        const wasRefused = lastRefusal.delete(key);
        const changed = answer.reply.changes.length > 0;
        accepted(state, c);
        if (changed || wasRefused || !['/register', '/port/join'].includes(c.path))
          emit('accepted', { path: c.path, ...c.body, changes: answer.reply.changes.length, note: answer.reply.note });
      } else if (lastRefusal.get(key) !== answer.reason) {
        lastRefusal.set(key, answer.reason);
        emit('refused', { path: c.path, ...c.body, code: answer.code, reason: answer.reason });
      }
    } catch (e) {
      // Said once per command until it gets through (the agent retries every tick).
      const reason = `unreachable: ${errorMessage(e)}`;
      if (lastRefusal.get(key) !== reason) emit('unreachable', { path: c.path, ...c.body, error: errorMessage(e) });
      lastRefusal.set(key, reason);
    }
  };

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const refreshDue = clock.monotonicMs() - lastRefresh >= config.refreshMs;
      if (refreshDue) lastRefresh = clock.monotonicMs();
      for (const c of agentCommands(config, state, readListening(), refreshDue)) await send(c);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), config.watchMs);
  emit('started', { server: config.server, device: config.device.api, register: config.register ?? null, ports: config.ports ?? [] });

  onStopSignals(emit, async () => {
    clearInterval(timer);
    for (const c of withdrawAll(config, state)) await send(c);
  });
};

runDaemon('nic-agent', loadAgentConfig, run);
