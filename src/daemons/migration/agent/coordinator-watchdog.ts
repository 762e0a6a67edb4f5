// The main agent's watchdog on the coordinator (pure). While a migration runs the coordinator
// sends a keepalive every few hundred milliseconds saying where its sequence stands; if they
// stop for `timeoutMs` (the coordinator was killed, or cut off), the agent finishes on its own
// so that the service answers in exactly one place:
//   - the state has not reached the target, or the users are not (all) on the target VLAN →
//     roll back (resume at the source, users back on their source VLAN);
//   - the target holds the state and the users are switched → roll forward (resume at the target).
// Between S706 and the switch end notice only the gateways know where the users are, so the
// agent asks them before deciding.
import type { CoordinatorPhase, Keepalive } from '../protocol.js';
import type { Phase } from './handover-log.js';

/** The agent's own hand-over: its log's phase, or busy while a switch, resume or rollback call runs. */
export type HandoverState = Phase | 'busy';

/** Where the plan's users are, by the gateways' port tables. */
export type UsersAt = 'target' | 'source' | 'mixed' | 'unknown';

export type WatchdogAction =
  | { action: 'none'; reason: string }
  | { action: 'wait'; reason: string }
  | { action: 'ask-gateways'; reason: string }
  | { action: 'back'; usersBack: boolean; reason: string }
  | { action: 'forward'; usersForward: boolean; resume: boolean; reason: string };

export const decide = (coordinator: CoordinatorPhase, handover: HandoverState, usersAt?: UsersAt): WatchdogAction => {
  if (coordinator === 'ended') return { action: 'none', reason: 'the coordinator ended the migration' };
  if (handover === 'busy') return { action: 'wait', reason: 'a call of the coordinator is still running here' };
  if (handover === 'idle' || handover === 'rolled-back') return { action: 'none', reason: 'the service is at the source only' };
  if (handover === 'resumed') return { action: 'none', reason: 'the service already resumed at the target' };
  if (handover === 'migrated') {
    // No-pause mode: the target rebuilt at once and the source's sockets are gone; the target is
    // the only place left, so the users must get there.
    if (coordinator === 'switched' || coordinator === 'resuming')
      return { action: 'none', reason: 'the target runs and the users are switched' };
    return { action: 'forward', usersForward: true, resume: false, reason: 'no-pause: the target already runs' };
  }
  // Frozen: the target holds the state and the VIP, nothing runs anywhere.
  if (coordinator === 'rolling-back') return { action: 'back', usersBack: true, reason: 'the coordinator was rolling back' };
  if (coordinator === 'switched' || coordinator === 'resuming')
    return { action: 'forward', usersForward: false, resume: true, reason: 'state handed over and users switched' };
  // An S707 may have left just before the coordinator died (a keepalive saying so may not have
  // arrived): only the gateways know whether the users moved.
  if (usersAt === undefined) return { action: 'ask-gateways', reason: 'state handed over; the network switch not confirmed' };
  if (usersAt === 'target') return { action: 'forward', usersForward: false, resume: true, reason: 'the gateways switched every user' };
  return {
    action: 'back',
    usersBack: usersAt !== 'source',
    reason: `the gateways report the users ${usersAt === 'source' ? 'not switched' : usersAt}`,
  };
};

/** Where the plan's users are, from each gateway's port table (undefined: that gateway did not answer). */
export const usersAt = (
  users: Keepalive['users'],
  tables: ReadonlyMap<string, readonly { name: string; vlan: number }[] | undefined>,
): UsersAt => {
  const where = users.map((u) => {
    const row = tables.get(u.gateway)?.find((r) => r.name === u.name);
    return row === undefined ? 'unknown' : row.vlan === u.toVlan ? 'target' : row.vlan === u.fromVlan ? 'source' : 'unknown';
  });
  if (where.includes('unknown')) return 'unknown';
  if (where.every((w) => w === 'target')) return 'target';
  return where.every((w) => w === 'source') ? 'source' : 'mixed';
};

/** Tracks the keepalives of the migration under way; says when the coordinator has gone quiet. */
export class CoordinatorWatchdog {
  private last: { keepalive: Keepalive; atMs: number } | undefined;
  private acted = new Set<string>();

  constructor(readonly timeoutMs: number) {}

  /** A keepalive arrived; an older one (lower seq) of the same migration is ignored. */
  heard(k: Keepalive, nowMs: number): void {
    const prev = this.last?.keepalive;
    if (prev && prev.migration === k.migration && k.seq <= prev.seq) return;
    this.last = { keepalive: k, atMs: nowMs };
  }

  /** The last keepalive, when the coordinator has been silent for timeoutMs in a running migration not yet acted on. */
  due(nowMs: number): Keepalive | undefined {
    const last = this.last;
    if (!last || last.keepalive.phase === 'ended' || this.acted.has(last.keepalive.migration)) return undefined;
    return nowMs - last.atMs >= this.timeoutMs ? last.keepalive : undefined;
  }

  silentMs(nowMs: number): number {
    return this.last ? nowMs - this.last.atMs : 0;
  }

  /** The agent has acted (or decided there is nothing to do): never again for this migration. */
  settle(migration: string): void {
    this.acted.add(migration);
  }
}
