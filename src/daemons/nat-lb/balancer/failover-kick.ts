// Starting the retransmission kick (retransmit-kick.ts) when a failover finishes: the kick runs on
// its own and reports as an event, so the finish step — and the controller's next failover of
// another VIP — need not wait for the ends' answers. Apart from the balancer: its timing knobs
// belong to the kick, not to the step handlers.
import type { Clock } from '../../../common/clock.js';
import type { EmitEvent } from '../../shared/event-log.js';
import type { AccessRow } from '../protocol.js';
import type { VipConfig } from './balancer-config.js';
import { FAILOVER_KICK, kickRetransmissions, kickTargets } from '../../shared/retransmit-kick.js';

/** Starts kicking the connections of `rows` (not awaited); returns how many it kicks. */
export const startFailoverKick = (v: VipConfig, rows: readonly AccessRow[], clock: Clock, emit: EmitEvent): number => {
  const vip = v.vip;
  const targets = kickTargets(rows);
  void kickRetransmissions(targets, { outsideAddress: v.vip, insideAddress: v.inside, ...FAILOVER_KICK }, clock).then(
    (k) => emit('retransmit-kick', { vip, ...k }),
    (e: unknown) => emit('retransmit-kick', { vip, error: (e as Error).message }),
  );
  return targets.length;
};
