// Which calls undo a session migration that failed at a given step, in batches (the calls of a
// batch go out together, the next batch after every one of them is acknowledged). The rule:
// first take the users back to the main site's VLAN (any gateway may have switched some of them
// before the failure was seen), then have the main agent put the service back on the main
// server only: kill the copy on the backup, take the VIP back, restore or unfreeze at the main
// server. The backup copy never ran unfrozen before S710, so the main server's images still
// match what the client has acknowledged.
import { AGENT_PATHS, GATEWAY_PATHS } from '../protocol.js';
import { usersByGateway, type MigrationPlan } from './migration-plan.js';
import type { Call } from './session-migration.js';

export type FailedAt = 'switching' | 'network' | 'resume';
export type PlannedCall = Omit<Call, 'id' | 'deadlineMs'>;

/** S707 to every gateway (forward), or the same gateways with every user back on its source VLAN. */
export const networkCalls = (plan: MigrationPlan, direction: 'forward' | 'back'): PlannedCall[] =>
  [...usersByGateway(plan.users)].map(([gateway, users]) => ({
    kind: direction === 'forward' ? ('network-switch' as const) : ('network-back' as const),
    ...(direction === 'forward' ? { step: 'S707' as const } : {}),
    to: gateway,
    method: 'POST' as const,
    path: GATEWAY_PATHS.switch,
    body: {
      migration: plan.id,
      users: users.map((u) => ({ name: u.name, vlan: direction === 'forward' ? u.toVlan : u.fromVlan })),
      ...(plan.routerMac === 'garp' ? { announce: plan.router } : {}),
      ...(direction === 'back' ? { rollback: true } : {}),
    },
    attempt: 1,
  }));

const serverRollback = (plan: MigrationPlan): PlannedCall => ({
  kind: 'server-rollback',
  to: plan.main.agent,
  method: 'POST',
  path: AGENT_PATHS.rollback,
  body: { migration: plan.id },
  attempt: 1,
});

export const rollbackAfter = (plan: MigrationPlan, failedAt: FailedAt): PlannedCall[][] =>
  failedAt === 'switching' ? [[serverRollback(plan)]] : [networkCalls(plan, 'back'), [serverRollback(plan)]];
