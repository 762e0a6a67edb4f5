// migration-agent (seed 003, the operating-server switching control means 3 / 203, 204): runs on
// every server. As the main server's agent it carries out S703–S705 and S710 for the
// coordinator; as the backup's it receives images on the migration network, restores, thaws.
//   node /opt/failover-lab/dist/src/daemons/migration/agent/main.js --config FILE
import { z } from 'zod';
import { setTimeout } from 'node:timers/promises';
import { splitHostPort } from '../../../common/host-port.js';
import { systemClock } from '../../../common/clock.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { createEventLog } from '../../shared/event-log.js';
import { startJsonApi } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { callJson, warmUpCalls } from '../../shared/http-call.js';
import { runCommand } from '../../../kernel/run-command.js';
import { NftBatches } from '../../../kernel/nft-batch.js';
import {
  GATEWAY_PATHS,
  PEER_PATHS,
  PROBE_PEER_PATHS,
  peerReceiveReplySchema,
  peerRestoreReplySchema,
  peerVipReplySchema,
  probeRebuildReplySchema,
} from '../protocol.js';
import type { PeerCalls } from './agent-ops.js';
import { holdChanges, holdTableScript, muteChange, probeRequest, vipHoldChange, type HoldMode } from './probe-control.js';
import { probePeerRoutes } from './probe-peer-api.js';
import { ProbeSwitching } from './probe-switching.js';
import { agentRoutes } from './agent-api.js';
import { loadAgentConfig, type AgentConfig } from './agent-config.js';
import { localOps } from './local-ops.js';
import { peerRoutes, type PeerState } from './peer-api.js';
import { Switching } from './switching.js';
import { ColdSwitching } from './cold-switching.js';
import { CoordinatorWatchdog } from './coordinator-watchdog.js';
import { startWatchdog, trackBusy, type GatewayCalls } from './watchdog-shell.js';
import { startUserReport } from './user-report.js';

const anything = z.unknown();
const gatewayTable = z.object({ users: z.array(z.object({ name: z.string(), vlan: z.number() }).passthrough()) }).passthrough();

/** The watchdog's calls to the user gateways (control network), with the gateway's own token. */
const gatewayCalls = (config: AgentConfig): GatewayCalls => {
  const gateways = new Map(config.watchdog.gateways.map((g) => [g.name, g]));
  const at = (name: string) => {
    const g = gateways.get(name);
    if (!g) throw new Error(`gateway '${name}' is not under watchdog.gateways in this agent's config`);
    return g;
  };
  const timeoutMs = config.watchdog.timeoutMs * 2;
  return {
    table: async (name) => {
      const g = at(name);
      return (
        await callJson(`${name} status`, `http://${g.api}${GATEWAY_PATHS.status}`, g.token, { method: 'GET' }, timeoutMs, gatewayTable)
      ).users;
    },
    move: async (name, migration, users, rollback) => {
      const g = at(name);
      const body = { migration, users, ...(rollback ? { rollback } : {}) };
      await callJson(`${name} switch`, `http://${g.api}${GATEWAY_PATHS.switch}`, g.token, { method: 'POST', body }, timeoutMs, anything);
    },
  };
};

const run = async (config: AgentConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'migration-agent', { clock });
  const bindHost = splitHostPort(config.peerListen).host;
  const { networkLock, ...criu } = config.criu;
  const local = localOps({
    imagesDir: config.imagesDir,
    vipDevice: config.vipDevice,
    bindHost,
    criu: { ...criu, networkLock: networkLock === 'agent' ? 'skip' : networkLock },
  });
  const url = (p: string) => `http://${config.peer.api}${p}`;
  const call = <S extends z.ZodTypeAny>(p: string, body: unknown, timeoutMs: number, reply: S) =>
    callJson(`${config.peer.name} ${p}`, url(p), config.peerToken, { method: 'POST', body }, timeoutMs, reply);
  const peer: PeerCalls = {
    receive: (migration, t) => call(PEER_PATHS.receive, { migration }, t, peerReceiveReplySchema),
    restore: (migration, vip, t) => call(PEER_PATHS.restore, { migration, ...(vip ? { vip } : {}) }, t, peerRestoreReplySchema),
    thaw: async (migration, pids, t) => void (await call(PEER_PATHS.thaw, { migration, pids }, t, anything)),
    discard: async (migration, pid, vip, t) =>
      void (await call(PEER_PATHS.discard, { migration, ...(pid ? { pid } : {}), ...(vip ? { vip } : {}) }, t, anything)),
  };
  // A hold left by an earlier run of this agent would drop the service's traffic: the table is
  // replaced with an empty one. Taking away a hold that is not there is fine (idempotent).
  await runCommand('nft', ['-f', '-'], { input: holdTableScript() });
  const elements = new NftBatches();
  const hold = async (vip: string, port: number, mode: HoldMode) => elements.apply(holdChanges(vip, port, mode));
  const probeDeps = { control: config.probe.control, probe: probeRequest, hold, clock, emit };
  const probeSwitching = () =>
    new ProbeSwitching({
      ...probeDeps,
      local,
      peerTimeoutMs: config.peerTimeoutMs,
      port: config.probe.port,
      peer: {
        state: (body, t) => call(PROBE_PEER_PATHS.state, body, t, probeRebuildReplySchema),
        rebuild: (migration, t) => call(PROBE_PEER_PATHS.rebuild, { migration }, t, probeRebuildReplySchema),
        drop: async (migration, vip, t) => void (await call(PROBE_PEER_PATHS.drop, { migration, ...(vip ? { vip } : {}) }, t, anything)),
      },
    });
  const coldSwitching = () =>
    new ColdSwitching({
      local,
      clock,
      emit,
      peerTimeoutMs: config.peerTimeoutMs,
      peer: {
        vip: (migration, action, vip, t, process) =>
          call(PEER_PATHS.vip, { migration, action, vip, ...(process ? { process } : {}) }, t, peerVipReplySchema),
      },
    });
  const switching = trackBusy(
    config.method === 'criu'
      ? new Switching({
          local,
          peer,
          clock,
          emit,
          peerTimeoutMs: config.peerTimeoutMs,
          drainMs: config.criu.drainMs,
          sleep: (ms) => setTimeout(ms),
          ...(networkLock === 'agent' ? { holdVip: async (vip: string, on: boolean) => elements.apply([vipHoldChange(vip, on)]) } : {}),
        })
      : config.method === 'cold'
        ? coldSwitching()
        : probeSwitching(),
  );
  const peerState: PeerState = { restored: new Map(), frozen: new Set(), muted: new Map() };
  const session = { vip: '' };
  const watchdog = new CoordinatorWatchdog(config.watchdog.timeoutMs);
  const watch = startWatchdog({
    watchdog,
    handover: switching,
    gateways: gatewayCalls(config),
    clock,
    emit,
    realIp: config.realIp,
    vip: () => session.vip,
    checkMs: config.watchdog.checkMs,
  });
  await waitForListenAddress(config.listen);
  await waitForListenAddress(config.peerListen);
  const api = await startJsonApi(
    config.listen,
    config.token,
    agentRoutes({
      node: config.node,
      realIp: config.realIp,
      switching,
      peerState,
      session,
      keepalive: (k) => watchdog.heard(k, clock.monotonicMs()),
    }),
  );
  const peerApi = await startJsonApi(config.peerListen, config.peerToken, [
    ...peerRoutes({ local, clock, emit, host: bindHost, state: peerState, mute: async (vip, on) => elements.apply([muteChange(vip, on)]) }),
    ...probePeerRoutes({ ...probeDeps, local, match: config.probe.match, timeoutMs: config.peerTimeoutMs }),
  ]);
  // The first call to the peer falls inside the service's pause.
  await warmUpCalls(`http://${config.peerListen}/`);
  emit('started', { listen: config.listen, peerListen: config.peerListen, method: config.method });
  const users = config.userReport ? startUserReport(config.userReport, emit) : undefined;
  onStopSignals(emit, async () => {
    users?.stop();
    watch.stop();
    await api.close();
    await peerApi.close();
  });
};

runDaemon('migration-agent', loadAgentConfig, run);
