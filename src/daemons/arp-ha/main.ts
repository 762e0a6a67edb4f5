// arp-ha: shared-IP hot standby with mode-dependent ARP (seed 000). Runs inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/arp-ha/main.js --config FILE
// Wires the pure state machine to the kernel (nftables ARP gate, VIP, gratuitous ARP), the
// UDP heartbeat paths, the optional application check, the status API and the event log.
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { errorMessage, InputFileError } from '../../common/errors.js';
import { createEventLog } from '../shared/event-log.js';
import { startStatusServer } from '../shared/status-server.js';
import { waitForAddress, waitForInterface } from '../shared/wait-for-interface.js';
import { watchCheck } from './app-check.js';
import { macOf } from '../../kernel/ip-addr.js';
import { announce, ensureVip, installArpGate, setArpMode } from './arp-effects.js';
import { ArpHaMachine, type Action } from './arp-ha-machine.js';
import { loadArpHaConfig, type ArpHaConfig } from './arp-ha-config.js';
import { nudgeClients, serviceClients } from './fast-fail.js';
import { decodeHeartbeat, encodeHeartbeat, MAX_CONNS_PER_BEAT, ReplayGuard } from './heartbeat-codec.js';
import { HeartbeatTransport } from './heartbeat-transport.js';

const run = async (config: ArpHaConfig): Promise<void> => {
  const emit = createEventLog(config.node, 'arp-ha');
  const key = Buffer.from(config.key, 'utf8');
  const { intervalMs, misses, port } = config.heartbeat;
  await Promise.all(config.groups.map((g) => waitForInterface(g.iface)));
  await Promise.all(config.heartbeat.paths.map((p) => waitForAddress(p.local)));

  // Silent first: the gate holds every VIP before any VIP exists on an interface.
  await installArpGate(config.groups.map((g) => g.vip));
  for (const g of config.groups) await ensureVip(g.vip, g.iface);
  const mac = await macOf(config.groups[0]!.iface);
  const machine = new ArpHaMachine({
    node: config.node, mac, deadMs: intervalMs * misses, startupWaitMs: config.heartbeat.startupWaitMs ?? Math.max(intervalMs * misses, 1000), paths: config.heartbeat.paths.map((p) => p.name),
    groups: config.groups.map((g) => ({ name: g.name, vip: g.vip, priority: g.priority, preempt: g.preempt, ...(g.fastFail ? { fastFailPort: g.fastFail.port } : {}) })),
  }, Date.now());

  const counters = { heartbeatsSent: 0, heartbeatsReceived: 0, authFailures: 0, malformed: 0, replays: 0, stale: 0, sendErrors: 0 };
  const boot = randomBytes(8).toString('hex');
  let seq = 0;
  const transport = new HeartbeatTransport(config.heartbeat.paths, port);
  const onSendError = () => {
    counters.sendErrors++;
  };
  // Fast fail: while ACTIVE, the clients of each such group ride along in every heartbeat.
  const clientsByGroup = new Map<string, string[]>();
  const refreshClients = async () => {
    for (const g of config.groups) {
      const active = machine.adverts().find((a) => a.group === g.name)?.mode === 'ACTIVE';
      if (g.fastFail && active) clientsByGroup.set(g.name, await serviceClients(g.vip, g.fastFail.port).catch(() => []));
      else clientsByGroup.delete(g.name);
    }
  };
  const sendHeartbeat = () => {
    counters.heartbeatsSent++;
    let room = MAX_CONNS_PER_BEAT;
    const conns = [...clientsByGroup].map(([group, clients]) => {
      const some = clients.slice(0, room);
      room -= some.length;
      return { group, clients: some };
    });
    transport.send(encodeHeartbeat({ v: 1, node: config.node, boot, seq: ++seq, sentMs: Date.now(), groups: machine.adverts(), ...(conns.length ? { conns } : {}) }, key), onSendError);
  };

  // Actions run in order: a mode change's ARP gate flip must precede its announcement.
  let queue = Promise.resolve();
  const apply = (actions: Action[]) => {
    for (const action of actions) {
      queue = queue.then(async () => {
        const group = 'group' in action ? config.groups.find((g) => g.name === action.group) : undefined;
        if (action.type === 'set-mode' && group) {
          await setArpMode(action.vip, action.to === 'ACTIVE');
          emit('mode', { group: action.group, vip: action.vip, from: action.from, to: action.to, reason: action.reason, mac });
          if (action.to === 'ACTIVE') {
            await announce(action.vip, group.iface, mac, group.garp.count, group.garp.intervalMs);
            emit('garp-sent', { group: action.group, vip: action.vip, count: group.garp.count, mac });
          }
        } else if (action.type === 'announce' && group) {
          await announce(action.vip, group.iface, mac, group.garp.count, group.garp.intervalMs);
          emit('garp-sent', { group: action.group, vip: action.vip, count: group.garp.count, mac, reason: action.reason });
        } else if (action.type === 'fast-fail') {
          const sent = nudgeClients(action.vip, action.port, action.clients);
          emit('fast-fail', { group: action.group, vip: action.vip, clients: sent });
        } else if (action.type === 'send-heartbeat') {
          sendHeartbeat();
        } else if (action.type === 'event') {
          emit(action.event, action.data);
        }
      }).catch((e: unknown) => emit('error', { error: errorMessage(e) }));
    }
  };

  const guard = new ReplayGuard(Math.max(2000, intervalMs * misses * 2));
  const rejected = (reason: keyof typeof counters, path: string, from: string) => {
    counters[reason]++;
    // Bounded logging: the first and then every 100th, so a flood cannot flood the history.
    if (counters[reason] === 1 || counters[reason] % 100 === 0) emit(reason === 'authFailures' ? 'auth-failure' : `heartbeat-${reason}`, { path, from, count: counters[reason] });
  };
  await transport.open((path, packet, from) => {
    const decoded = decodeHeartbeat(packet, key);
    if (!decoded.ok) return rejected(decoded.reason === 'auth' ? 'authFailures' : 'malformed', path, from);
    const verdict = guard.accept(decoded.heartbeat, path, Date.now());
    if (verdict === 'replay') return rejected('replays', path, from);
    if (verdict === 'stale') return rejected('stale', path, from);
    counters.heartbeatsReceived++;
    apply(machine.onHeartbeat(path, decoded.heartbeat, Date.now()));
  }, onSendError);

  emit('started', { mac, groups: config.groups.map((g) => ({ name: g.name, vip: g.vip, priority: g.priority })), intervalMs, misses, paths: config.heartbeat.paths.map((p) => p.name) });
  sendHeartbeat();
  const beat = setInterval(sendHeartbeat, intervalMs);
  const clientsTimer = config.groups.some((g) => g.fastFail) ? setInterval(() => void refreshClients(), intervalMs) : undefined;
  // Fine ticks: a peer is declared dead within ~5 ms of its deadline, not a quarter interval late.
  const tick = setInterval(() => apply(machine.onTick(Date.now())), Math.max(5, Math.min(25, intervalMs / 20)));
  const stopChecks = config.groups.flatMap((g) => (g.check ? [watchCheck(g.check, (healthy) => apply(machine.onCheck(g.name, healthy, Date.now())))] : []));
  const status = config.status ? await startStatusServer(config.status.listen, config.token, () => ({ ...machine.status(Date.now()), counters })) : undefined;

  const shutdown = async (signal: string) => {
    clearInterval(beat);
    if (clientsTimer) clearInterval(clientsTimer);
    clearInterval(tick);
    stopChecks.forEach((s) => s());
    transport.close();
    status?.close();
    // Leaving on purpose: go silent so the peers take over cleanly instead of splitting.
    await queue;
    for (const g of config.groups) await setArpMode(g.vip, false).catch(() => undefined);
    emit('stopped', { signal });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
};

const program = new Command('arp-ha')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .action(async (o: { config: string }) => run(await loadArpHaConfig(o.config)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`arp-ha: ${errorMessage(error)}\n`);
  process.exit(error instanceof InputFileError ? 2 : 1);
});
