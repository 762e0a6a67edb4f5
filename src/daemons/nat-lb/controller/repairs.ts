// Who owns each VIP, judged from the balancers' mode tables (pure). Runs on every tick and, at
// controller start, is the recovery: a move the previous controller left half done shows as a
// VIP in migration mode somewhere, and is repaired to exactly one owner.
//
//   alive holders of the VIP                      → repair
//   one normal, none in migration                 → consistent (the owner)
//   one normal A, one in migration B              → resume the planned move A → B (idempotent calls)
//   none normal, one in migration B               → resume as failover to B (A died or already forgot)
//   none at all (owner dead, or never placed)     → failover to a balancer the policy places
//   several normal / several in migration         → dedupe: keep one (controller's assignment,
//                                                   else most rows, else config order), drop the rest
import type { NatMode, VipStats } from '../protocol.js';
import type { Health } from './failure-detector.js';

export interface BalancerView {
  name: string;
  health: Health;
  /** The mode table from the last answered /status (for a dead balancer: what it held when last seen). */
  vips: readonly VipStats[];
}

export interface RepairInput {
  balancers: readonly BalancerView[];
  /** VIPs from the config; every VIP any mode table or the assignment names is added. */
  configVips: readonly string[];
  assignment: ReadonlyMap<string, string>;
}

export type Finding =
  | { kind: 'owned'; vip: string; owner: string }
  | { kind: 'resume-planned'; vip: string; from: string; to: string }
  | { kind: 'resume-failover'; vip: string; from?: string; to: string; rowsPresent: boolean }
  | { kind: 'failover'; vip: string; from?: string }
  | { kind: 'dedupe'; vip: string; keep: string; keepMode: NatMode; drop: { balancer: string; mode: NatMode }[] };

interface Holder {
  balancer: string;
  mode: NatMode;
  rows: number;
  order: number;
}

const knownVips = (input: RepairInput): string[] => {
  const all = new Set(input.configVips);
  for (const b of input.balancers) for (const v of b.vips) all.add(v.vip);
  for (const v of input.assignment.keys()) all.add(v);
  return [...all].sort();
};

export const findOwnership = (input: RepairInput): Finding[] =>
  knownVips(input).map((vip) => {
    const holders: Holder[] = [];
    let deadHolder: string | undefined;
    input.balancers.forEach((b, order) => {
      const v = b.vips.find((x) => x.vip === vip);
      if (!v) return;
      if (b.health === 'alive') holders.push({ balancer: b.name, mode: v.mode, rows: v.rows, order });
      else if (v.mode === 'normal' || deadHolder === undefined) deadHolder = b.name;
    });
    const assigned = input.assignment.get(vip);
    const rank = (a: Holder, b: Holder) =>
      Number(b.balancer === assigned) - Number(a.balancer === assigned) || b.rows - a.rows || a.order - b.order;
    const normal = holders.filter((h) => h.mode === 'normal').sort(rank);
    const migrating = holders.filter((h) => h.mode === 'migration').sort(rank);
    const from = deadHolder ?? (assigned !== undefined && !holders.some((h) => h.balancer === assigned) ? assigned : undefined);

    if (normal.length > 1 || migrating.length > 1) {
      const keep = normal[0] ?? migrating[0]!;
      const drop = [...normal.slice(1), ...migrating.slice(1)];
      return {
        kind: 'dedupe',
        vip,
        keep: keep.balancer,
        keepMode: keep.mode,
        drop: drop.map((h) => ({ balancer: h.balancer, mode: h.mode })),
      };
    }
    if (normal.length === 1 && migrating.length === 0) return { kind: 'owned', vip, owner: normal[0]!.balancer };
    if (normal.length === 1) return { kind: 'resume-planned', vip, from: normal[0]!.balancer, to: migrating[0]!.balancer };
    if (migrating.length === 1)
      return { kind: 'resume-failover', vip, ...(from ? { from } : {}), to: migrating[0]!.balancer, rowsPresent: migrating[0]!.rows > 0 };
    return { kind: 'failover', vip, ...(from ? { from } : {}) };
  });
