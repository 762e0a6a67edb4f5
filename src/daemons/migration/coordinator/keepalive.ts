// What the coordinator's keepalives say while a migration runs (pure): how far the sequence got
// and what the main agent needs to finish it alone if they stop (agent/coordinator-watchdog.ts).
import type { CoordinatorPhase, Keepalive, ProcessRef } from '../protocol.js';
import type { MigrationPlan } from './migration-plan.js';

/** The forward sequence's landmarks: S707 sent, every switch end notice in, S709 sent. */
export interface Reached {
  network: boolean;
  switched: boolean;
  resuming: boolean;
}

export const phaseOf = (running: boolean, forward: boolean, r: Reached): CoordinatorPhase => {
  if (!running) return 'ended';
  if (!forward) return 'rolling-back';
  if (r.resuming) return 'resuming';
  if (r.switched) return 'switched';
  return r.network ? 'network' : 'switching';
};

export const keepaliveFor = (
  plan: MigrationPlan,
  seq: number,
  progress: { phase: CoordinatorPhase; resume?: ProcessRef[] },
): Keepalive => ({
  migration: plan.id,
  seq,
  phase: progress.phase,
  users: plan.users.map((u) => ({ gateway: u.gateway, name: u.name, fromVlan: u.fromVlan, toVlan: u.toVlan })),
  ...(progress.resume ? { resume: progress.resume } : {}),
});
