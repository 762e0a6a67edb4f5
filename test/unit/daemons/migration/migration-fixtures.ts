import { manualClock } from '../../../../src/common/clock.js';
import type { MigrationPlan } from '../../../../src/daemons/migration/coordinator/migration-plan.js';
import {
  SessionMigration,
  type Call,
  type CallResult,
  type MigrationEvent,
} from '../../../../src/daemons/migration/coordinator/session-migration.js';

export const A = '198.18.52.11';
export const B = '198.18.53.11';

export const plan = (extra: Partial<MigrationPlan> = {}): MigrationPlan => ({
  id: 'm1',
  trigger: { kind: 'request', by: 'operator' },
  process: { pid: 2000 },
  main: { agent: 'agent-a', realIp: A },
  backup: { agent: 'agent-b', realIp: B },
  vip: '198.18.50.100',
  pause: true,
  vipMode: 'move',
  users: [{ name: 'taro', gateway: 'ugw1', fromVlan: 1, toVlan: 2 }],
  routerMac: 'same',
  router: { ip: '198.18.50.1' },
  timeouts: { switchMs: 5000, networkMs: 2000, resumeMs: 2000, rollbackMs: 1000 },
  rollbackTries: 3,
  order: 'patent',
  ...extra,
});

/** What a faithful agent and gateway answer to each call. */
export const goodReply = (p: MigrationPlan, call: Call, nowMs: number): unknown => {
  const body = call.body as Record<string, unknown> | undefined;
  switch (call.kind) {
    case 'switch-start':
      return {
        migration: p.id,
        steps: [
          ...(p.pause ? [{ step: 'S703', startMs: nowMs, endMs: nowMs + 1 }] : []),
          { step: 'S704', startMs: nowMs + 1, endMs: nowMs + 60 },
          ...(p.vipMode === 'none' ? [] : [{ step: 'S705', startMs: nowMs + 60, endMs: nowMs + 61 }]),
        ],
        processes:
          p.vipMode === 'copy'
            ? [
                { server: A, pid: 2000 },
                { server: B, pid: 2000 },
              ]
            : [{ server: B, pid: 2000 }],
      };
    case 'network-switch':
    case 'network-back':
      return {
        migration: p.id,
        switched: (body!.users as { name: string; vlan: number }[]).map((u) => ({ name: u.name, from: 1, to: u.vlan, atMs: nowMs })),
        announced: body!.announce !== undefined,
      };
    case 'resume':
      return { migration: p.id, resumed: (body!.processes as object[]).map((x) => ({ ...x, atMs: nowMs })) };
    case 'server-rollback':
      return { migration: p.id, answering: 'main', undone: ['backup copy killed'] };
    case 'status':
      return { node: 'srvA', serviceAt: 'none', frozen: true };
  }
};

export type Responder = (call: Call, nowMs: number) => CallResult | 'silence' | undefined;

/** Runs a migration on a manual clock; each answer takes `stepMs`; 'silence' lets the deadline pass. */
export const drive = (p: MigrationPlan, respond: Responder = () => undefined, stepMs = 10) => {
  const clock = manualClock(0);
  const m = new SessionMigration(p, clock.monotonicMs());
  const calls: Call[] = [];
  const events: MigrationEvent[] = [];
  for (let batch = m.next(clock.monotonicMs()), guard = 0; batch.length > 0 && guard < 40; batch = m.next(clock.monotonicMs()), guard++) {
    calls.push(...batch);
    for (const call of batch) {
      const r = respond(call, clock.monotonicMs());
      if (r === 'silence') {
        clock.advance(call.deadlineMs - clock.monotonicMs() + 1);
        m.onResult(call, { ok: false, error: 'timeout' }, clock.monotonicMs());
        continue;
      }
      clock.advance(stepMs);
      m.onResult(call, r ?? { ok: true, reply: goodReply(p, call, clock.monotonicMs()) }, clock.monotonicMs());
    }
    events.push(...m.drainEvents());
  }
  events.push(...m.drainEvents());
  return { calls, events, state: m.state(), machine: m };
};

export const messageSteps = (events: MigrationEvent[]): string[] =>
  events.filter((e) => e.event === 'message').map((e) => String(e.data.step));

export const callNames = (calls: Call[]): string[] => calls.map((c) => `${c.to} ${c.path}`);
