// Which VIP to move, and where (seed 001 §3.4, variant 11: any algorithm). The controller asks
// a MovePolicy; the default evens per-balancer byte rates: when the busiest and the idlest
// live balancer differ by more than thresholdPercent of the busiest for holdMs, it moves the one
// VIP whose move leaves the smallest spread, if that is smaller than now. Pure: the controller
// hands in rates and time.
import { compareText } from '../../../common/compare-text.js';
import type { NatMode } from '../protocol.js';

export interface VipLoad {
  vip: string;
  mode: NatMode;
  rateBps: number;
}

export interface BalancerLoad {
  name: string;
  alive: boolean;
  vips: VipLoad[];
}

export interface PolicyInput {
  nowMs: number;
  balancers: BalancerLoad[];
  /** VIPs in a move right now: never chosen, never counted as movable. */
  migrating: ReadonlySet<string>;
}

export type PolicyVerdict =
  | {
      kind: 'move';
      vip: string;
      from: string;
      to: string;
      reason: string;
      imbalancePercent: number;
      spreadBeforeBps: number;
      spreadAfterBps: number;
    }
  | { kind: 'hold'; imbalancePercent: number; sinceMs: number }
  | { kind: 'no-better-move'; imbalancePercent: number }
  | { kind: 'balanced'; imbalancePercent: number };

export interface MovePolicy {
  readonly name: string;
  decide(input: PolicyInput): PolicyVerdict;
  /** Where a VIP with no live owner goes (failover); undefined when no live balancer may take it. */
  place(vip: string, input: PolicyInput, exclude: ReadonlySet<string>): string | undefined;
}

export interface ByteRatePolicyOptions {
  thresholdPercent: number;
  holdMs: number;
  /** Below this busiest-balancer rate nothing is imbalanced (idle noise). */
  minRateBps: number;
  /** Quiet time after a decided move, so the rates settle before the next judgement. */
  cooldownMs: number;
}

const totals = (input: PolicyInput) =>
  new Map(input.balancers.filter((b) => b.alive).map((b) => [b.name, b.vips.reduce((sum, v) => sum + v.rateBps, 0)] as const));

const spreadOf = (t: ReadonlyMap<string, number>): number => Math.max(...t.values()) - Math.min(...t.values());

export class ByteRatePolicy implements MovePolicy {
  readonly name = 'byte-rate';
  private imbalancedSinceMs: number | undefined;
  private quietUntilMs = -Infinity;

  constructor(private readonly options: ByteRatePolicyOptions) {}

  decide(input: PolicyInput): PolicyVerdict {
    const t = totals(input);
    if (t.size < 2) return this.balanced(0);
    const max = Math.max(...t.values());
    const imbalancePercent = max <= 0 ? 0 : (spreadOf(t) / max) * 100;
    if (max < this.options.minRateBps || imbalancePercent <= this.options.thresholdPercent) return this.balanced(imbalancePercent);
    this.imbalancedSinceMs ??= input.nowMs;
    if (input.nowMs - this.imbalancedSinceMs < this.options.holdMs || input.nowMs < this.quietUntilMs)
      return { kind: 'hold', imbalancePercent, sinceMs: this.imbalancedSinceMs };

    const before = spreadOf(t);
    let best: { vip: string; from: string; to: string; after: number } | undefined;
    for (const b of input.balancers.filter((x) => x.alive)) {
      for (const v of [...b.vips].sort((x, y) => compareText(x.vip, y.vip))) {
        if (v.mode !== 'normal' || input.migrating.has(v.vip) || v.rateBps <= 0) continue;
        for (const to of t.keys()) {
          if (to === b.name) continue;
          const next = new Map(t);
          next.set(b.name, next.get(b.name)! - v.rateBps);
          next.set(to, next.get(to)! + v.rateBps);
          const after = spreadOf(next);
          if (!best || after < best.after) best = { vip: v.vip, from: b.name, to, after };
        }
      }
    }
    if (!best || best.after >= before) return { kind: 'no-better-move', imbalancePercent };
    this.imbalancedSinceMs = undefined;
    this.quietUntilMs = input.nowMs + this.options.cooldownMs;
    return {
      kind: 'move',
      vip: best.vip,
      from: best.from,
      to: best.to,
      imbalancePercent,
      spreadBeforeBps: Math.round(before),
      spreadAfterBps: Math.round(best.after),
      reason: `imbalance ${imbalancePercent.toFixed(0)}% > ${this.options.thresholdPercent}% for ${this.options.holdMs} ms`,
    };
  }

  place(_vip: string, input: PolicyInput, exclude: ReadonlySet<string>): string | undefined {
    const t = [...totals(input)].filter(([name]) => !exclude.has(name));
    // Least loaded first; equal loads keep the config order (stable sort).
    return t.sort((a, b) => a[1] - b[1])[0]?.[0];
  }

  private balanced(imbalancePercent: number): PolicyVerdict {
    this.imbalancedSinceMs = undefined;
    return { kind: 'balanced', imbalancePercent };
  }
}
