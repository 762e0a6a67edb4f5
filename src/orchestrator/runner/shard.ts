// Splits scenarios over n CI machines: `i/n` picks shard i (1-based). Deterministic for a given
// set of scenarios, and balanced by expected duration: longest first, each to the shard with the
// least expected time so far (ties: the lower shard, then the file path), as in LPT scheduling.
import { RunOptionError } from './run-option-error.js';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export const SHARD_ENV = 'FAILOVER_LAB_SHARD';
/** What a repeat costs beyond its workload: deploy, daemons, probe servers, teardown, destroy. */
export const REPEAT_OVERHEAD_MS = 15_000;

export const parseShard = (spec: string, where = '--shard'): Shard => {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total) {
    throw new RunOptionError(`${where} is '${spec}': a shard is i/n with 1 ≤ i ≤ n (e.g. 1/3 for the first of three)`);
  }
  return { index, total };
};

export const shardLabel = (s: Shard): string => `shard-${s.index}-of-${s.total}`;

/** What sharding reads of a scenario. */
export interface ShardableScenario {
  file: string;
  repeat: number;
  warmup: number;
  /** A probe or ssh workload's duration, a command's timeout. */
  workloads: readonly ({ duration: number } | { timeout: number })[];
}

/** Expected wall time of a scenario run: repeats × (warm-up + longest workload + overhead). Reruns are not foreseen. */
export const expectedDurationMs = (s: Omit<ShardableScenario, 'file'>): number =>
  s.repeat * (s.warmup + Math.max(0, ...s.workloads.map((w) => ('duration' in w ? w.duration : w.timeout))) + REPEAT_OVERHEAD_MS);

export interface Weighted {
  /** A stable identity (the file path) that breaks ties. */
  key: string;
  weightMs: number;
}

/** The 1-based shard of every item, in the items' order. */
export const assignShards = (items: readonly Weighted[], total: number): number[] => {
  const load = new Array<number>(total).fill(0);
  const order = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => b.item.weightMs - a.item.weightMs || (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0));
  const shardOf = new Array<number>(items.length);
  for (const { item, i } of order) {
    const lightest = load.indexOf(Math.min(...load));
    load[lightest]! += item.weightMs;
    shardOf[i] = lightest + 1;
  }
  return shardOf;
};

/** The scenarios of one shard, in their given order. Throws when it selects none of the scenarios there are. */
export const selectShard = <T extends ShardableScenario>(scenarios: readonly T[], shard: Shard): T[] => {
  const shards = assignShards(
    scenarios.map((s) => ({ key: s.file, weightMs: expectedDurationMs(s) })),
    shard.total,
  );
  const picked = scenarios.filter((_, i) => shards[i] === shard.index);
  if (picked.length === 0 && scenarios.length > 0) {
    throw new RunOptionError(
      `shard ${shard.index}/${shard.total} selects none of the ${scenarios.length} scenarios; use at most ${scenarios.length} shards`,
    );
  }
  return picked;
};
