// GET /status of a balancer, from the mode table, the hold and the latest kernel reading: per
// VIP its mode, traffic and rows; the balancer's counters, the refusal counters of the ruleset
// (camelCase) and the packets the kernel dropped from full hold queues.
import type { BalancerStatus, NatMode } from '../protocol.js';
import type { BalancerConfig } from './balancer-config.js';
import type { KernelReading } from './kernel-readings.js';
import { counterOf, queueOf, REFUSAL_COUNTERS } from './nat-rules.js';

export interface StatusInputs {
  config: BalancerConfig;
  modes: readonly (readonly [string, { mode: NatMode }])[];
  reading: KernelReading;
  /** Packets held now per NFQUEUE number. */
  held: (queue: number) => number;
  /** The queues bound now: their kernel drop counts are not yet in `counters.holdOverflow`. */
  boundQueues: readonly number[];
  counters: Record<string, number>;
}

const camelCase = (name: string) => name.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase());

export const balancerStatus = (s: StatusInputs): BalancerStatus => {
  const { config, reading } = s;
  const vips = s.modes.map(([vip, e]) => {
    const c = reading.counters.get(counterOf(config.vips.findIndex((v) => v.vip === vip)));
    return {
      vip,
      mode: e.mode,
      bytes: c?.bytes ?? 0,
      packets: c?.packets ?? 0,
      held: s.held(queueOf(config, vip)),
      rows: reading.rows.filter((r) => r.vip === vip).length,
    };
  });
  const holdOverflow = (s.counters.holdOverflow ?? 0) + s.boundQueues.reduce((sum, q) => sum + (reading.drops.get(q) ?? 0), 0);
  const refusals = Object.fromEntries(REFUSAL_COUNTERS.map((name) => [camelCase(name), reading.counters.get(name)?.packets ?? 0]));
  return { node: config.node, nat: config.nat, vips, counters: { ...s.counters, ...refusals, holdOverflow } };
};
