// Pure: the controller's GET /status body, from what its parts hold. Apart from the shell (as
// balancer-status.ts is for the balancer) so the shape operators and tests read is in one place.
import type { VipStats } from '../protocol.js';
import type { FailureDetector } from './failure-detector.js';
import type { MoveQueue } from './move-queue.js';
import type { PolicyVerdict } from './policy.js';

export interface ControllerStatusParts {
  node: string;
  assignment: ReadonlyMap<string, string>;
  health: ReturnType<FailureDetector['status']>;
  /** The VIPs a balancer's last status listed. */
  vipsOf: (balancer: string) => readonly VipStats[];
  rateBps: (vip: string) => number;
  copyStores: readonly string[];
  moves: Pick<MoveQueue, 'migrationStatuses' | 'pending' | 'lastMoves'>;
  policy: { name: string; enabled: boolean; lastVerdict: PolicyVerdict['kind'] | undefined };
}

export const controllerStatus = (p: ControllerStatusParts) => {
  const migrations = p.moves.migrationStatuses();
  return {
    node: p.node,
    assignment: Object.fromEntries([...p.assignment].sort()),
    balancers: p.health.map((h) => ({ ...h, vips: p.vipsOf(h.name).map((v) => ({ ...v, rateBps: Math.round(p.rateBps(v.vip)) })) })),
    copyStores: p.copyStores,
    migration: migrations[0] ?? null,
    migrations,
    pendingMoves: p.moves.pending(),
    lastMoves: p.moves.lastMoves,
    policy: { ...p.policy, lastVerdict: p.policy.lastVerdict ?? null },
  };
};
