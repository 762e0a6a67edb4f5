// A gap limit a client cannot see is a check that cannot fail: a probe stream reports silences
// only from its effective gap threshold on (3 of its sender's ticks at least, probe/timing.ts),
// so "no gap over 50 ms" on streams that see gaps from 60 ms on passes whatever happens between.
// Scenarios are refused for it at the limit's line, with what would make the limit visible.
import { effectiveGapThresholdMs, pacerTickMs, PACER_TICK_MS } from '../../probe/timing.js';
import type { ProbeWorkload } from './parse-scenario.js';

type GapFields = Pick<ProbeWorkload, 'streams' | 'direction' | 'rate' | 'gapThreshold' | 'pacerTick'>;

/** The client's own tick when it paces the data it checks (an echo), else undefined. */
const echoTickMs = (w: GapFields): number | undefined => (w.direction === 'echo' ? (w.pacerTick ?? pacerTickMs(w.streams)) : undefined);

/** The shortest gap a probe workload's client reports, in ms (what its GapTracker is built with). */
export const visibleGapMs = (w: GapFields): number =>
  // Data other than an echo comes at a server's tick, which is unknown: the coarsest is assumed.
  effectiveGapThresholdMs(w.gapThreshold, w.rate, w.direction === 'c2s', echoTickMs(w) ?? PACER_TICK_MS);

/** Why `limitMs` cannot be checked on workload `w`, or undefined when it can. */
export const unseenGapLimit = (limitMs: number, w: ProbeWorkload): string | undefined => {
  const visible = visibleGapMs(w);
  if (limitMs >= visible) return undefined;
  const tick = echoTickMs(w);
  const how =
    tick !== undefined && 3 * tick > Math.max(limitMs, w.gapThreshold)
      ? `its ${w.streams} echo streams tick every ${tick} ms and a gap is seen from 3 ticks: set pacerTick to ${Math.max(2, Math.floor(limitMs / 3))}ms or less`
      : w.gapThreshold > limitMs
        ? `lower its gapThreshold (${w.gapThreshold} ms) to ${limitMs}ms or less`
        : `its rate and sender's tick put the threshold there (probe/timing.ts)`;
  return `workload '${w.name}' sees gaps from ${visible} ms on, so a limit of ${limitMs} ms cannot fail between them: ${how}`;
};
