// arp-ha: shared-IP hot standby with mode-dependent ARP (seed 000). Runs inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/arp-ha/main.js --config FILE
// Wires the pure state machine to the kernel (nftables ARP gate, VIP, gratuitous ARP), the
// UDP heartbeat paths, the optional application check, the status API and the event log.
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../common/errors.js';
import { createEventLog } from '../shared/event-log.js';
import { waitForAddress, waitForInterface } from '../shared/wait-for-interface.js';
import { watchCheck } from './app-check.js';
import { macOf } from '../../kernel/ip-addr.js';
import { libc } from '../../kernel/libc.js';
import { packetSocketFor } from '../../kernel/packet-socket.js';
import { applyDaemonScheduling } from '../shared/process-priority.js';
import { StallMeter } from '../shared/stall-meter.js';
import { announce, closeElements, ensureVip, installArpGate, installHoldTable, releaseHold, setArpMode } from './arp-effects.js';
import { AppLink } from './app-link.js';
import { takeOverConnections } from './tcp-takeover.js';
import { ArpHaMachine, type Action } from './arp-ha-machine.js';
import { loadArpHaConfig, type ArpHaConfig } from './arp-ha-config.js';
import { nudgeClients, serviceClients } from './fast-fail.js';
import { decodeHeartbeat, encodeHeartbeat, MAX_CHECKPOINTS_PER_BEAT, MAX_CONNS_PER_BEAT, ReplayGuard, type TakeoverCheckpoint } from './heartbeat-codec.js';
import { HeartbeatTransport } from './heartbeat-transport.js';
import { onStopSignals, runDaemon } from '../shared/daemon-main.js';
import { ok, route, startJsonApi } from '../shared/json-api.js';

const run = async (config: ArpHaConfig): Promise<void> => {
  const emit = createEventLog(config.node, 'arp-ha');
  const key = Buffer.from(config.key, 'utf8');
  const { intervalMs, misses, port } = config.heartbeat;
  await Promise.all(config.groups.map((g) => waitForInterface(g.iface)));
  await Promise.all(config.heartbeat.paths.map((p) => waitForAddress(p.local)));

  // Bind libc and open the packet sockets now (announcements and takeover use them), not in
  // the middle of a failover.
  libc();
  for (const g of config.groups) packetSocketFor(g.iface);
  // Heartbeat timers must not starve behind the node's applications (keepalived: vrrp_priority).
  applyDaemonScheduling(config, (problem) => emit('warning', { problem }));
  // Silent first: the gate holds every VIP before any VIP exists on an interface.
  await installArpGate(config.groups.map((g) => g.vip));
  if (config.groups.some((g) => g.takeover)) await installHoldTable();
  for (const g of config.groups) await ensureVip(g.vip, g.iface);
  const mac = await macOf(config.groups[0]!.iface);
  const machine = new ArpHaMachine({
    node: config.node, mac, deadMs: intervalMs * misses, startupWaitMs: config.heartbeat.startupWaitMs ?? Math.max(intervalMs * misses, 1000), paths: config.heartbeat.paths.map((p) => p.name),
    groups: config.groups.map((g) => ({ name: g.name, vip: g.vip, priority: g.priority, preempt: g.preempt, ...(g.takeover || g.fastFail ? { fastFailPort: (g.takeover ?? g.fastFail)!.port } : {}) })),
  }, Date.now());

  const counters = { heartbeatsSent: 0, heartbeatsReceived: 0, authFailures: 0, malformed: 0, replays: 0, stale: 0, sendErrors: 0, appErrors: 0 };
  const boot = randomBytes(8).toString('hex');
  let seq = 0;
  const transport = new HeartbeatTransport(config.heartbeat.paths, port);
  const onSendError = () => {
    counters.sendErrors++;
  };
  // Fast fail and takeover: while ACTIVE, the clients of each such group (and the application's
  // checkpoints of their connections) ride along in every heartbeat.
  const clientsByGroup = new Map<string, string[]>();
  const apps = new Map(config.groups.flatMap((g) => (g.takeover ? [[g.name, new AppLink(g.takeover.app)] as const] : [])));
  const checkpointsByGroup = new Map<string, { version: number; list: TakeoverCheckpoint[]; next: number }>();
  const refreshCheckpoints = async (group: string, app: AppLink) => {
    const known = checkpointsByGroup.get(group);
    const reply = await app.request({ op: 'checkpoints', ...(known ? { since: known.version } : {}) }, 1000);
    if (reply.ok !== true || typeof reply.version !== 'number') throw new Error(`checkpoints refused: ${String(reply.error)}`);
    if (Array.isArray(reply.conns)) checkpointsByGroup.set(group, { version: reply.version, list: reply.conns as TakeoverCheckpoint[], next: 0 });
  };
  let standbyPolls = 0;
  const refreshClients = async () => {
    for (const g of config.groups) {
      const active = machine.adverts().find((a) => a.group === g.name)?.mode === 'ACTIVE';
      const port = (g.takeover ?? g.fastFail)?.port;
      if (port !== undefined && active) clientsByGroup.set(g.name, await serviceClients(g.vip, port).catch(() => []));
      else clientsByGroup.delete(g.name);
      const app = apps.get(g.name);
      if (app && active) await refreshCheckpoints(g.name, app).catch((e: unknown) => { counters.appErrors++; if (counters.appErrors === 1 || counters.appErrors % 100 === 0) emit('app-error', { group: g.name, error: errorMessage(e), count: counters.appErrors }); });
      else {
        checkpointsByGroup.delete(g.name);
        // A standby keeps its link to the application open (a takeover must not start by
        // connecting) with an empty restore, which also keeps both sides' restore path warm.
        if (app && ++standbyPolls % 10 === 0) await app.request({ op: 'restore', conns: [] }, 1000).catch(() => undefined);
      }
    }
  };
  /** The next share of a group's checkpoints, round robin, so any number of connections gets through. */
  const checkpointShare = (group: string): TakeoverCheckpoint[] | undefined => {
    const c = checkpointsByGroup.get(group);
    if (!c || c.list.length === 0) return undefined;
    if (c.list.length <= MAX_CHECKPOINTS_PER_BEAT) return c.list;
    const share = Array.from({ length: MAX_CHECKPOINTS_PER_BEAT }, (_, i) => c.list[(c.next + i) % c.list.length]!);
    c.next = (c.next + MAX_CHECKPOINTS_PER_BEAT) % c.list.length;
    return share;
  };
  const sendHeartbeat = () => {
    counters.heartbeatsSent++;
    let room = MAX_CONNS_PER_BEAT;
    const conns = [...clientsByGroup].map(([group, clients]) => {
      const some = clients.slice(0, room);
      room -= some.length;
      const tcp = checkpointShare(group);
      return { group, clients: some, ...(tcp ? { tcp } : {}) };
    });
    transport.send(encodeHeartbeat({ v: 1, node: config.node, boot, seq: ++seq, sentMs: Date.now(), groups: machine.adverts(), ...(conns.length ? { conns } : {}) }, key), onSendError);
  };

  // Actions run in order: a mode change's ARP gate flip must precede its announcement.
  let queue = Promise.resolve();
  const apply = (actions: Action[]) => {
    // Groups about to rebuild connections: their kernel's resets are held from the same nft
    // transaction that makes them ACTIVE, before any client can be sent their way.
    const rebuilding = new Set(actions.flatMap((a) => (a.type === 'fast-fail' && a.checkpoints.length > 0 && apps.has(a.group) ? [a.group] : [])));
    // Where a takeover's time goes, from the decision on (ms), reported with its outcome.
    const decidedAt = performance.now();
    const stages: Record<string, number> = {};
    const mark = (stage: string) => { stages[stage] = Math.round((performance.now() - decidedAt) * 10) / 10; };
    for (const action of actions) {
      queue = queue.then(async () => {
        const group = 'group' in action ? config.groups.find((g) => g.name === action.group) : undefined;
        if (action.type === 'set-mode' && group) {
          const hold = action.to === 'ACTIVE' && group.takeover && rebuilding.has(group.name) ? { port: group.takeover.port } : undefined;
          await setArpMode(action.vip, action.to === 'ACTIVE', hold);
          mark('gate');
          emit('mode', { group: action.group, vip: action.vip, from: action.from, to: action.to, reason: action.reason, mac });
          if (action.to === 'ACTIVE') {
            // The first request/reply pair now; the rest keep their spacing in the background,
            // so fast fail / takeover (next in the queue) need not wait for them.
            await announce(action.vip, group.iface, mac, 1, 0);
            mark('garp');
            // Each later pair is queued (after any demotion already queued) and skipped once the
            // group is no longer ACTIVE: a node that stepped down must stay silent.
            for (let i = 1; i < group.garp.count; i++) {
              setTimeout(() => {
                queue = queue.then(async () => {
                  if (machine.adverts().find((a) => a.group === group.name)?.mode === 'ACTIVE') await announce(action.vip, group.iface, mac, 1, 0);
                }).catch((e: unknown) => emit('error', { error: errorMessage(e) }));
              }, i * group.garp.intervalMs);
            }
            emit('garp-sent', { group: action.group, vip: action.vip, count: group.garp.count, mac });
          }
        } else if (action.type === 'announce' && group) {
          await announce(action.vip, group.iface, mac, group.garp.count, group.garp.intervalMs);
          emit('garp-sent', { group: action.group, vip: action.vip, count: group.garp.count, mac, reason: action.reason });
        } else if (action.type === 'fast-fail' && rebuilding.has(action.group)) {
          const app = apps.get(action.group)!;
          const t = group!.takeover!;
          let held = true;
          const release = async () => {
            if (held) await releaseHold(action.vip, action.port);
            held = false;
          };
          try {
            mark('nudge');
            const outcome = await takeOverConnections({ vip: action.vip, port: action.port, checkpoints: action.checkpoints, app, answerWaitMs: t.answerWaitMs, restoreTimeoutMs: t.restoreTimeoutMs, releaseHold: release });
            mark('done');
            emit('takeover', { group: action.group, vip: action.vip, ...outcome, stagesMs: stages });
          } finally {
            await release();
          }
          // Clients without a checkpoint (connected since the last beat): fast fail.
          const covered = new Set(action.checkpoints.map((c) => c.client));
          const rest = action.clients.filter((c) => !covered.has(c));
          if (rest.length > 0) emit('fast-fail', { group: action.group, vip: action.vip, clients: nudgeClients(action.vip, action.port, rest) });
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
  const clientsTimer = config.groups.some((g) => g.fastFail || g.takeover) ? setInterval(() => void refreshClients(), intervalMs) : undefined;
  // Fine ticks: a peer is declared dead within ~5 ms of its deadline, not a quarter interval late.
  const tickMs = Math.max(5, Math.min(25, intervalMs / 20));
  let lastTick = performance.now();
  const stallMeter = new StallMeter();
  stallMeter.mark();
  const tick = setInterval(() => {
    // A process that did not run for a while (its timers late) says so: a silence it reports
    // next may be its own, not the peer's.
    const now = performance.now();
    const share = stallMeter.mark();
    if (now - lastTick > intervalMs) emit('timer-stall', { ms: Math.round(now - lastTick - tickMs), ...share });
    lastTick = now;
    // Judged after the event loop's I/O phase: after a stall, timers run first, and the peer's
    // heartbeats waiting in the socket buffer would otherwise count as silence.
    setImmediate(() => apply(machine.onTick(Date.now())));
  }, tickMs);
  const stopChecks = config.groups.flatMap((g) => (g.check ? [watchCheck(g.check, (healthy) => apply(machine.onCheck(g.name, healthy, Date.now())))] : []));
  const status = config.status
    ? await startJsonApi(config.status.listen, config.token, [route({ method: 'GET', path: '/status', handle: () => ok({ ...machine.status(Date.now()), counters }) })])
    : undefined;

  const shutdown = async (signal: string) => {
    clearInterval(beat);
    if (clientsTimer) clearInterval(clientsTimer);
    clearInterval(tick);
    stopChecks.forEach((s) => s());
    transport.close();
    status?.close();
    for (const app of apps.values()) app.close();
    closeElements();
    // Leaving on purpose: go silent so the peers take over cleanly instead of splitting.
    await queue;
    for (const g of config.groups) await setArpMode(g.vip, false).catch(() => undefined);
    emit('stopped', { signal });
    process.exit(0);
  };
  onStopSignals(shutdown);
};

runDaemon('arp-ha', loadArpHaConfig, run);
