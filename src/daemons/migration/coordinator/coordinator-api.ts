// The coordinator's API (input means 1 and output means): POST /migrate (the button: a person,
// a script or the CLI; with trigger "alarm", an operator acting on a raised alarm), POST /alarm
// (a disaster detector), POST /user (the load monitor's connects and disconnects, embodiment 3),
// GET /status. /migrate answers when the migration has ended, with its outcome.
import { z } from 'zod';
import { ConflictError, ok, route, type Route } from '../../shared/json-api.js';
import type { TriggerSource } from './migration-plan.js';
import type { AlarmLatch, LoadMonitor } from './triggers.js';

export interface MigrationRunner {
  /** Starts a migration and resolves with its end (outcome and the plan's id); refuses while one runs. */
  run(trigger: TriggerSource): Promise<Record<string, unknown>>;
  running(): string | undefined;
  history(): Record<string, unknown>[];
}

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a name of letters, digits, _ . -');

export const coordinatorRoutes = (deps: { node: string; runner: MigrationRunner; alarms: AlarmLatch; load?: LoadMonitor }): Route[] => [
  route({
    method: 'POST',
    path: '/migrate',
    body: z.object({ by: name.default('api'), trigger: z.enum(['request', 'alarm']).default('request') }).strict(),
    handle: async ({ body }) => {
      const trigger: TriggerSource = body.trigger === 'alarm' ? deps.alarms.operatorTrigger(body.by) : { kind: 'request', by: body.by };
      return ok(await deps.runner.run(trigger));
    },
  }),
  route({
    method: 'POST',
    path: '/alarm',
    body: z.object({ name, detail: z.string().max(500).default('') }).strict(),
    handle: ({ body }) => {
      deps.alarms.raise(body.name, body.detail, Date.now());
      return ok({ alarm: deps.alarms.current() });
    },
  }),
  route({
    method: 'POST',
    path: '/user',
    body: z.object({ name, action: z.enum(['connect', 'disconnect']) }).strict(),
    handle: async ({ body }) => {
      if (!deps.load) throw new ConflictError('no load trigger configured (load: in the config)');
      if (body.action === 'disconnect') {
        deps.load.disconnect(body.name);
        return ok({ load: deps.load.status() });
      }
      const trigger = deps.load.connect(body.name);
      if (!trigger || deps.runner.running()) return ok({ load: deps.load.status(), triggered: false });
      return ok({ load: deps.load.status(), triggered: true, migration: await deps.runner.run(trigger) });
    },
  }),
  route({
    method: 'GET',
    path: '/status',
    handle: () =>
      ok({
        node: deps.node,
        running: deps.runner.running() ?? null,
        alarm: deps.alarms.current() ?? null,
        ...(deps.load ? { load: deps.load.status() } : {}),
        history: deps.runner.history(),
      }),
  }),
];
