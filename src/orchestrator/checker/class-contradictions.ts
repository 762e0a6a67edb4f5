// A scenario's explicit checks against its declared survival class: a check may be stricter
// than the class, never weaker. `expect: transparent` with `reconnects: {max: 4}` says two
// things at once; the file is refused rather than one of them silently winning.
import type { ChecksConfig } from './checks-from-config.js';
import { CLASS_BOUNDS, type SurvivalClass } from './survival-class.js';

export interface ClassContradiction {
  /** The key under `checks:` that allows what the class rules out. */
  key: keyof ChecksConfig;
  problem: string;
}

const bounds = (v: number | { min?: number; max?: number }): { min?: number; max?: number } => (typeof v === 'number' ? { max: v } : v);

/** The first explicit check weaker than (or contrary to) what `cls` implies, in the order of CLASS_BOUNDS. */
export function classContradiction(cls: SurvivalClass, checks: ChecksConfig): ClassContradiction | undefined {
  const implied = CLASS_BOUNDS[cls];
  for (const key of implied.zero) {
    const given = checks[key];
    if (given === undefined) continue;
    const { min, max } = bounds(given);
    if ((max ?? 0) > 0) return { key, problem: `${key} allows up to ${max} per stream` };
    if ((min ?? 0) > 0) return { key, problem: `${key} asks for at least ${min} per stream` };
  }
  if (implied.noFailedStreams && checks.noFailedStreams === false) {
    return { key: 'noFailedStreams', problem: 'noFailedStreams: false lets streams fail' };
  }
  return undefined;
}
