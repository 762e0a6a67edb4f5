// migration-coordinator (seed 003, the server/network linkage control means 2 / 202): takes a
// session migration request and drives S701–S711 through the agents and the user gateways.
//   node /opt/failover-lab/dist/src/daemons/migration/coordinator/main.js --config FILE
import { z } from 'zod';
import { systemClock } from '../../../common/clock.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';
import { createEventLog } from '../../shared/event-log.js';
import { ConflictError, startJsonApi } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { callJson } from '../../shared/http-call.js';
import { AGENT_PATHS } from '../protocol.js';
import { keepaliveFor } from './keepalive.js';
import { coordinatorRoutes, type MigrationRunner } from './coordinator-api.js';
import { loadCoordinatorConfig, planFor, type CoordinatorConfig } from './coordinator-config.js';
import { SessionMigration, type Call, type CallResult } from './session-migration.js';
import { AlarmLatch, LoadMonitor } from './triggers.js';

const run = async (config: CoordinatorConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'migration-coordinator', { clock });
  const endpoints = new Map<string, { api: string; token: string }>([
    [config.main.agent, { api: config.main.api, token: config.main.token ?? config.peerToken }],
    [config.backup.agent, { api: config.backup.api, token: config.backup.token ?? config.peerToken }],
    ...config.gateways.map((g) => [g.name, { api: g.api, token: g.token ?? config.peerToken }] as const),
  ]);
  const load = config.load ? new LoadMonitor(config.load.threshold, config.load.users, config.load.backupRunning) : undefined;
  const alarms = new AlarmLatch();
  const history: Record<string, unknown>[] = [];
  let current: string | undefined;
  let count = 0;

  const send = async (c: Call): Promise<CallResult> => {
    const e = endpoints.get(c.to)!;
    try {
      const reply = await callJson(
        `${c.to} ${c.path}`,
        `http://${e.api}${c.path}`,
        e.token,
        { method: c.method, body: c.body },
        c.deadlineMs - clock.monotonicMs(),
        z.unknown(),
      );
      return { ok: true, reply };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  };

  const mainAgent = endpoints.get(config.main.agent)!;
  /** A lost keepalive needs no retry: the agent acts only after a whole timeout of them. */
  const keepalive = (m: SessionMigration, seq: number): Promise<void> =>
    callJson(
      `${config.main.agent} ${AGENT_PATHS.keepalive}`,
      `http://${mainAgent.api}${AGENT_PATHS.keepalive}`,
      mainAgent.token,
      { method: 'POST', body: keepaliveFor(m.plan, seq, m.progress()) },
      config.keepaliveMs * 2,
      z.unknown(),
    ).then(
      () => undefined,
      () => undefined,
    );

  const drive = async (m: SessionMigration): Promise<void> => {
    const inFlight = new Set<Promise<void>>();
    const flush = () => m.drainEvents().forEach((ev) => emit(ev.event, ev.data));
    let seq = 0;
    let told = '';
    const beat = () => {
      told = m.progress().phase;
      void keepalive(m, seq++);
    };
    const timer = setInterval(beat, config.keepaliveMs);
    flush();
    try {
      await loop(m, inFlight, flush, () => {
        if (told !== m.progress().phase) beat();
      });
    } finally {
      clearInterval(timer);
      await keepalive(m, seq++);
    }
  };

  const loop = async (m: SessionMigration, inFlight: Set<Promise<void>>, flush: () => void, onProgress: () => void) => {
    while (m.state().outcome === 'running') {
      const batch = m.next(clock.monotonicMs());
      // The new phase goes out with the calls that start it, not a period later.
      onProgress();
      flush();
      for (const c of batch) {
        const p: Promise<void> = send(c).then((r) => {
          m.onResult(c, r, clock.monotonicMs());
          flush();
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      if (batch.length === 0) {
        if (inFlight.size === 0) throw new Error('the migration machine is waiting for nothing (a bug)');
        await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
  };

  const runner: MigrationRunner = {
    running: () => current,
    history: () => history,
    run: async (trigger) => {
      if (current) throw new ConflictError(`migration '${current}' is running; one at a time`);
      const id = `${config.node}-${Date.now()}-${++count}`;
      const m = new SessionMigration(planFor(config, trigger, id), clock.monotonicMs());
      current = id;
      try {
        await drive(m);
      } finally {
        current = undefined;
      }
      const result = { migration: id, trigger: trigger.kind, ...m.state() };
      // S1209: the copy runs at the backup site now; the load trigger stays quiet.
      if (trigger.kind === 'load' && result.outcome === 'done') load?.setBackupRunning(true);
      history.push(result);
      return result;
    },
  };
  await waitForListenAddress(config.listen);
  const api = await startJsonApi(
    config.listen,
    config.token,
    coordinatorRoutes({ node: config.node, runner, alarms, ...(load ? { load } : {}) }),
  );
  emit('started', { listen: config.listen, main: config.main.agent, backup: config.backup.agent, vip: config.vip });
  onStopSignals(emit, async () => {
    await api.close();
  });
};

runDaemon('migration-coordinator', loadCoordinatorConfig, run);
