// arp-ha: shared-IP hot standby with mode-dependent ARP (seed 000). Runs inside a lab node:
//   node /opt/failover-lab/dist/src/daemons/arp-ha/main.js --config FILE
// Wires the pure state machine to the kernel (nftables ARP gate, VIP, gratuitous ARP), the
// UDP heartbeat paths, the optional application check, the status API, the mode-change notices
// (a group's `notify`) and the event log.
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import { createEventLog } from '../shared/event-log.js';
import { waitForAddress, waitForInterface } from '../shared/wait-for-interface.js';
import { watchCheck } from './app-check.js';
import { macOf } from '../../kernel/ip-addr.js';
import { libc } from '../../kernel/libc.js';
import { packetSocketFor } from '../../kernel/packet-socket.js';
import { applyDaemonScheduling } from '../../kernel/process-priority.js';
import { isReported } from '../shared/rare-report.js';
import { StallMeter } from '../shared/stall-meter.js';
import { announce, closeElements, ensureVip, installArpGate, installHoldTable, releaseHold, setArpMode } from './arp-effects.js';
import { ActionRunner } from './action-runner.js';
import { AppLink } from './app-link.js';
import { takeOverConnections } from './tcp-takeover.js';
import { ArpHaMachine, type Action } from './arp-ha-machine.js';
import { loadArpHaConfig, type ArpHaConfig } from './arp-ha-config.js';
import { createConnectionWatch } from './connection-watch.js';
import { nudgeClients } from './fast-fail.js';
import { serviceClients } from '../../kernel/proc-net-tcp.js';
import { decodeHeartbeat, encodeHeartbeat, ReplayGuard } from './heartbeat-codec.js';
import { HeartbeatPacker } from './heartbeat-packer.js';
import { HeartbeatTransport } from './heartbeat-transport.js';
import { onStopSignals, runDaemon } from '../shared/daemon-main.js';
import { ok, route, startJsonApi } from '../shared/json-api.js';
import { callJson, warmUpCalls } from '../shared/http-call.js';
import { modeNoticeReplySchema } from '../shared/mode-notice.js';
import { ModeNotifier } from './mode-notify.js';

const run = async (config: ArpHaConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'arp-ha', { clock });
  const key = Buffer.from(config.key, 'utf8');
  const { intervalMs, misses, port } = config.heartbeat;
  await Promise.all(config.groups.map((g) => waitForInterface(g.iface)));
  await Promise.all(config.heartbeat.paths.map((p) => waitForAddress(p.local)));

  // Bind libc, open the packet sockets and load the HTTP client now (announcements, takeover and
  // mode notices use them), not in the middle of a failover.
  libc();
  for (const g of config.groups) packetSocketFor(g.iface);
  if (config.groups.some((g) => g.notify)) await warmUpCalls();
  // Heartbeat timers must not starve behind the node's applications (keepalived: vrrp_priority).
  applyDaemonScheduling(
    config,
    (problem) => emit('warning', { problem }),
    (choice) => emit('scheduling', { ...choice }),
  );
  // Silent first: the gate holds every VIP before any VIP exists on an interface.
  await installArpGate(config.groups.map((g) => g.vip));
  if (config.groups.some((g) => g.takeover)) await installHoldTable();
  for (const g of config.groups) await ensureVip(g.vip, g.iface);
  const mac = await macOf(config.groups[0]!.iface);
  const machine = new ArpHaMachine(
    {
      node: config.node,
      mac,
      deadMs: intervalMs * misses,
      startupWaitMs: config.heartbeat.startupWaitMs ?? Math.max(intervalMs * misses, 1000),
      // A split brain's loser answers within a round trip; a quarter interval covers a lost answer.
      reannounceWaitMs: Math.max(5, intervalMs / 4),
      paths: config.heartbeat.paths.map((p) => p.name),
      groups: config.groups.map((g) => ({
        name: g.name,
        vip: g.vip,
        priority: g.priority,
        preempt: g.preempt,
        ...(g.takeover || g.fastFail ? { fastFailPort: (g.takeover ?? g.fastFail)!.port } : {}),
      })),
    },
    clock.nowMs(),
  );
  const isActive = (group: string) => machine.adverts().find((a) => a.group === group)?.mode === 'ACTIVE';

  const counters = {
    heartbeatsSent: 0,
    heartbeatsReceived: 0,
    authFailures: 0,
    malformed: 0,
    replays: 0,
    stale: 0,
    sendErrors: 0,
    appErrors: 0,
  };
  const transport = new HeartbeatTransport(config.heartbeat.paths, port);
  const onSendError = () => {
    counters.sendErrors++;
  };
  const packer = new HeartbeatPacker(config.node, randomBytes(8).toString('hex'), clock);
  const sendHeartbeat = () => {
    counters.heartbeatsSent++;
    transport.send(encodeHeartbeat(packer.pack(machine.adverts()), key), onSendError);
  };
  const apps = new Map(config.groups.flatMap((g) => (g.takeover ? [[g.name, new AppLink(g.takeover.app)] as const] : [])));
  const watchConnections = createConnectionWatch({
    groups: config.groups,
    apps,
    isActive,
    packer,
    readClients: serviceClients,
    onAppError: (group, e) => {
      if (isReported(++counters.appErrors)) emit('app-error', { group, error: errorMessage(e), count: counters.appErrors });
    },
  });
  const ifaces = [...new Set(config.groups.map((g) => g.iface))];
  const macs = new Map(await Promise.all(ifaces.map(async (i) => [i, await macOf(i)] as const)));
  const notifier = new ModeNotifier(
    config.groups,
    randomBytes(8).toString('hex'),
    (target, notice) =>
      callJson('notify', target.url, target.token, { method: 'POST', body: notice }, target.timeoutMs, modeNoticeReplySchema),
    emit,
    clock,
  );
  const actions = new ActionRunner({
    groups: config.groups,
    macs,
    apps,
    isActive,
    sendHeartbeat,
    emit,
    clock,
    effects: { setArpMode, announce, releaseHold, nudgeClients, takeOver: (o) => takeOverConnections(o, clock) },
    // No listener, no queued step after every mode change.
    ...(config.groups.some((g) => g.notify) ? { notify: notifier.notify.bind(notifier) } : {}),
  });
  const apply = (list: Action[]) => actions.run(list);

  const guard = new ReplayGuard(Math.max(2000, intervalMs * misses * 2));
  const rejected = (reason: 'authFailures' | 'malformed' | 'replays' | 'stale', path: string, from: string) => {
    if (isReported(++counters[reason]))
      emit(reason === 'authFailures' ? 'auth-failure' : `heartbeat-${reason}`, { path, from, count: counters[reason] });
  };
  await transport.open((path, packet, from) => {
    const decoded = decodeHeartbeat(packet, key);
    if (!decoded.ok) return rejected(decoded.reason === 'auth' ? 'authFailures' : 'malformed', path, from);
    const verdict = guard.accept(decoded.heartbeat, path, clock.nowMs());
    if (verdict === 'replay') return rejected('replays', path, from);
    if (verdict === 'stale') return rejected('stale', path, from);
    counters.heartbeatsReceived++;
    apply(machine.onHeartbeat(path, decoded.heartbeat, clock.nowMs()));
  }, onSendError);

  emit('started', {
    mac,
    groups: config.groups.map((g) => ({ name: g.name, vip: g.vip, priority: g.priority })),
    intervalMs,
    misses,
    paths: config.heartbeat.paths.map((p) => p.name),
  });
  sendHeartbeat();
  const beat = setInterval(sendHeartbeat, intervalMs);
  // Not awaited: the watch catches each lookup's error itself (a failed one keeps the last list).
  const clientsTimer = config.groups.some((g) => g.fastFail || g.takeover)
    ? setInterval(() => void watchConnections(), intervalMs)
    : undefined;
  // Fine ticks: a peer is declared dead within ~5 ms of its deadline, not a quarter interval late.
  const tickMs = Math.max(5, Math.min(25, intervalMs / 20));
  let lastTick = clock.monotonicMs();
  const stallMeter = new StallMeter(clock);
  stallMeter.mark();
  const tick = setInterval(() => {
    // A process that did not run for a while (its timers late) says so: a silence it reports
    // next may be its own, not the peer's.
    const now = clock.monotonicMs();
    const share = stallMeter.mark();
    if (now - lastTick > intervalMs) emit('timer-stall', { ms: Math.round(now - lastTick - tickMs), ...share });
    lastTick = now;
    // Judged after the event loop's I/O phase: after a stall, timers run first, and the peer's
    // heartbeats waiting in the socket buffer would otherwise count as silence.
    setImmediate(() => apply(machine.onTick(clock.nowMs())));
  }, tickMs);
  const stopChecks = config.groups.flatMap((g) =>
    g.check ? [watchCheck(g.check, (healthy) => apply(machine.onCheck(g.name, healthy, clock.nowMs())))] : [],
  );
  const status = config.status
    ? await startJsonApi(config.status.listen, config.token, [
        route({ method: 'GET', path: '/status', handle: () => ok({ ...machine.status(clock.nowMs()), counters }) }),
      ])
    : undefined;

  onStopSignals(emit, async () => {
    clearInterval(beat);
    if (clientsTimer) clearInterval(clientsTimer);
    clearInterval(tick);
    stopChecks.forEach((s) => s());
    transport.close();
    await status?.close();
    for (const app of apps.values()) app.close();
    closeElements();
    // Leaving on purpose: go silent so the peers take over cleanly instead of splitting.
    await actions.idle();
    for (const g of config.groups) await setArpMode(g.vip, false).catch(() => undefined);
  });
};

runDaemon('arp-ha', loadArpHaConfig, run);
