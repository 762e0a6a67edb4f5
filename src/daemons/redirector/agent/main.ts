// backend-agent: seed 002's per-back-end helper, inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/redirector/agent/main.js --config FILE
// Every interval it sends the redirector a signed report: its load, which service ports
// listen, and how many live connections each serves (the connection monitor). It starts and
// stops a service's process on the redirector's signed command.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { systemClock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import { splitHostPort } from '../../../common/host-port.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { createEventLog } from '../../shared/event-log.js';
import { MessageLink } from '../message-link.js';
import { agentCommandSchema, type AgentCommand, type AgentReport } from '../protocol.js';
import { loadAgentConfig, type AgentConfig } from './agent-config.js';
import { censusOf } from './proc-net-tcp.js';

const run = async (config: AgentConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'backend-agent', { clock });
  const ports = new Set(config.services.map((s) => s.port));
  const started = new Map<number, ChildProcess>();
  const to = (Array.isArray(config.redirector) ? config.redirector : [config.redirector]).map((r) => splitHostPort(r));

  const startService = (port: number) => {
    const s = config.services.find((x) => x.port === port);
    if (!s?.start) return emit('command-refused', { port, reason: 'no start command for this port' });
    if (started.has(port)) return;
    // Its own process group, output discarded: its lines must not pass for this agent's events.
    const child = spawn('sh', ['-c', s.start], { detached: true, stdio: 'ignore' });
    started.set(port, child);
    child.on('exit', (code, signal) => {
      started.delete(port);
      emit('process-exited', { port, code, signal });
    });
    emit('process-started', { port, pid: child.pid });
  };
  const stopService = (port: number) => {
    const child = started.get(port);
    if (child?.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
      return emit('process-stopping', { port, pid: child.pid });
    }
    const s = config.services.find((x) => x.port === port);
    if (!s?.stop) return emit('command-refused', { port, reason: 'not started here and no stop command' });
    spawn('sh', ['-c', s.stop], { stdio: 'ignore' }).on('exit', (code) => emit('process-stop-run', { port, code }));
  };

  const link = await MessageLink.open<AgentCommand, AgentReport>({
    node: config.node,
    key: config.key,
    listen: config.listen,
    schema: agentCommandSchema,
    clock,
    onMessage: (c) => {
      if (c.to !== config.node) return emit('command-refused', { from: c.node, reason: `meant for ${c.to}` });
      emit('command', { from: c.node, action: c.action, port: c.port });
      if (c.action === 'start') startService(c.port);
      else stopService(c.port);
    },
  });

  const readLoad = async (connections: number): Promise<number> => {
    if (config.load.source === 'connections') return connections / config.load.capacity;
    const n = Number((await readFile(config.load.file, 'utf8').catch(() => '0')).trim());
    return Number.isFinite(n) && n >= 0 ? Math.min(n, 1000) : 0;
  };
  const report = async () => {
    const census = censusOf(await readFile('/proc/net/tcp', 'utf8'), ports);
    const total = [...census.connections.values()].reduce((a, b) => a + b, 0);
    const report = {
      kind: 'report' as const,
      load: await readLoad(total),
      listening: [...census.listening].sort((a, b) => a - b),
      connections: Object.fromEntries([...ports].map((p) => [String(p), census.connections.get(p) ?? 0])),
    };
    for (const t of to) link.send(report, t.host, t.port);
  };
  const timer = setInterval(() => void report().catch((e: unknown) => emit('error', { error: errorMessage(e) })), config.intervalMs);
  emit('started', { listen: config.listen, redirector: config.redirector, services: [...ports] });

  onStopSignals(emit, () => {
    clearInterval(timer);
    link.close();
  });
};

runDaemon('backend-agent', loadAgentConfig, run);
