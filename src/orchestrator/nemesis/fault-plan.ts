// From a scenario's fault entry to a nemesis plus how long it holds. Pure apart from the
// nemesis objects it builds; the schedule runner does the waiting.
import type { FaultSpec } from '../scenario/parse-scenario.js';
import { linkDownNemesis } from './link-faults.js';
import type { Nemesis, NemesisContext } from './nemesis.js';
import { lossNemesis, partitionNemesis } from './nft-faults.js';
import { nodeDownNemesis, pauseNemesis } from './node-faults.js';
import { commandNemesis, killProcessNemesis } from './process-faults.js';

export interface FaultPlan {
  id: string;
  nemesis: Nemesis;
  /** Heal after this long; undefined: stays until teardown. */
  holdMs?: number;
  /** Flaps: how many times, and the pause between heal and the next start. */
  cycles: number;
  pauseMs: number;
}

export const planFault = (spec: FaultSpec, id: string, ctx: NemesisContext): FaultPlan => {
  const base = { id, cycles: 1, pauseMs: 0 };
  const hold = (ms: number | undefined) => (ms === undefined ? {} : { holdMs: ms });
  switch (spec.fault) {
    case 'crash':
    case 'kill':
    case 'stop':
      return { ...base, nemesis: nodeDownNemesis(ctx, spec.fault, spec.node), ...hold(spec.restartAfter ?? spec.duration) };
    case 'pause':
      return { ...base, nemesis: pauseNemesis(ctx, spec.node), ...hold(spec.duration) };
    case 'kill-process':
      return {
        ...base,
        nemesis: killProcessNemesis(ctx, {
          node: spec.node,
          match: spec.match,
          signal: spec.signal,
          ...(spec.restart ? { restart: spec.restart } : {}),
        }),
        ...hold(spec.restartAfter ?? spec.duration),
      };
    case 'link-down':
      return { ...base, nemesis: linkDownNemesis(ctx, spec.node, spec.iface), ...hold(spec.duration) };
    case 'link-flap':
      return {
        ...base,
        nemesis: linkDownNemesis(ctx, spec.node, spec.iface, 'link-flap'),
        holdMs: spec.down,
        cycles: spec.count,
        pauseMs: spec.up,
      };
    case 'partition':
      return {
        ...base,
        nemesis: partitionNemesis(ctx, id, {
          from: spec.from,
          to: spec.to,
          oneWay: spec.oneWay,
          ...(spec.protocol ? { protocol: spec.protocol } : {}),
          ...(spec.port ? { port: spec.port } : {}),
        }),
        ...hold(spec.duration),
      };
    case 'loss':
      return { ...base, nemesis: lossNemesis(ctx, id, spec.node, spec.percent, spec.direction, spec.iface), ...hold(spec.duration) };
    case 'command':
      return { ...base, nemesis: commandNemesis(ctx, spec.node, spec.run, spec.undo), ...hold(spec.duration) };
  }
};
