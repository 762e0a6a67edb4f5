// The lap timer of a step's stages (nat-lb's migration-finish and address-take report them as
// stagesMs, the migration agent's S704 as partsMs): apart from the step handlers so they read as
// steps, and because it is the one piece of them that is pure and can be tested on a fake clock.
import type { Clock } from '../../common/clock.js';

/** Times the stages of a step: each call records the ms since the previous one under `name`. */
export const stopwatch = (clock: Clock) => {
  let last = clock.monotonicMs();
  const laps: Record<string, number> = {};
  return Object.assign(
    (name: string) => {
      const now = clock.monotonicMs();
      laps[name] = Math.round((now - last) * 10) / 10;
      last = now;
    },
    { laps },
  );
};
