// What one session migration will do, fixed when it is requested (the patent's settings store,
// 1402): the process, the two servers, the VIP, which users move to which VLAN, the options,
// and a deadline for each acknowledged message. The pure machine (session-migration.ts) runs it.
import type { ProcessRef, VipMode } from '../protocol.js';

export interface ServerRef {
  /** The agent's name (its API endpoint is the shell's business). */
  agent: string;
  /** The real IP used for control and migration (a2, b2), never the VIP. */
  realIp: string;
}

export interface UserMove {
  name: string;
  gateway: string;
  fromVlan: number;
  toVlan: number;
}

/** §6 12: one router MAC on both sites, or different MACs with or without a gratuitous ARP for r. */
export type RouterMacMode = 'same' | 'garp' | 'different';

export type TriggerSource =
  | { kind: 'request'; by: string }
  | { kind: 'load'; connectedUsers: number; threshold: number }
  | { kind: 'alarm'; alarm: string; by: string };

export interface StepTimeouts {
  /** S702 → S706: freeze, dump, copy, restore, VIP. */
  switchMs: number;
  /** S707 → its end notice, per gateway. */
  networkMs: number;
  /** S709 → S711. */
  resumeMs: number;
  /** Each rollback call and the status question. */
  rollbackMs: number;
}

export interface MigrationPlan {
  id: string;
  trigger: TriggerSource;
  process: { pid: number } | { match: string };
  main: ServerRef;
  backup: ServerRef;
  vip: string;
  /** P1: freeze before the move and resume after the network switch; false is the no-pause mode (§6 10). */
  pause: boolean;
  vipMode: VipMode;
  users: UserMove[];
  routerMac: RouterMacMode;
  /** The routers' shared address r (and router B's MAC, announced in `garp` mode). */
  router: { ip: string; mac?: string };
  timeouts: StepTimeouts;
  /** patent: S702–S706 before S707 (the invention); network-first: S707 first, the negative test of §6 11. */
  order: 'patent' | 'network-first';
  /** Tries of each rollback call before the migration is declared failed. */
  rollbackTries: number;
}

/** Embodiment 3's resume request: every copy that must start again (S1214's (a2, 2000), (b2, 2000)). */
export const resumeTargets = (plan: MigrationPlan, processes: readonly ProcessRef[]): ProcessRef[] =>
  plan.vipMode === 'copy' ? [...processes] : processes.filter((p) => p.server === plan.backup.realIp);

/** Users grouped per gateway in the order the plan lists them: one S707 per gateway. */
export const usersByGateway = (users: readonly UserMove[]): Map<string, UserMove[]> => {
  const out = new Map<string, UserMove[]>();
  for (const u of users) out.set(u.gateway, [...(out.get(u.gateway) ?? []), u]);
  return out;
};
