// Pure: what a move is to do (MoveSpec, migration.ts), built from the controller's config and a
// finding or request. Apart from the controller's shell so the rounds read as decisions and the
// fields each kind of move carries are in one place.
import type { ControllerConfig } from './controller-config.js';
import type { MoveSpec } from './migration.js';
import type { Finding } from './repairs.js';

type Migration = ControllerConfig['migration'];
type ResumeFinding = Extract<Finding, { kind: 'resume-planned' | 'resume-failover' }>;

/** A planned move (requested, or proposed by the policy) of `vip` from `from` to `to`. */
export const plannedSpec = (m: Migration, vip: string, from: string, to: string, reason: string): MoveSpec => ({
  vip,
  from,
  to,
  kind: 'planned',
  reason,
  stepTimeoutMs: m.stepTimeoutMs,
  deadCallTimeoutMs: m.deadCallTimeoutMs,
});

const repairBase = (m: Migration) => ({ stepTimeoutMs: m.stepTimeoutMs, deadCallTimeoutMs: m.deadCallTimeoutMs, order: m.failoverOrder });

/** The rest of a move found half done: a failover whose rows already arrived does not bring them again. */
const resumeSpec = (m: Migration, f: ResumeFinding): MoveSpec =>
  f.kind === 'resume-planned'
    ? { ...repairBase(m), vip: f.vip, from: f.from, to: f.to, kind: 'planned', reason: 'resume a half-done move', resumed: true }
    : {
        ...repairBase(m),
        vip: f.vip,
        ...(f.from ? { from: f.from } : {}),
        to: f.to,
        kind: 'failover',
        reason: 'resume a half-done failover',
        resumed: true,
        rows: f.rowsPresent ? 'none' : m.failoverRows,
      };

/** A new failover of a VIP nobody serves (its owner `f.from` dead, or none) to `to`. */
const failoverSpec = (m: Migration, f: Extract<Finding, { kind: 'failover' }>, to: string): MoveSpec => ({
  ...repairBase(m),
  vip: f.vip,
  ...(f.from ? { from: f.from } : {}),
  to,
  kind: 'failover',
  reason: f.from ? `${f.from} is dead` : 'no balancer holds it',
  rows: m.failoverRows,
});

/** The move that repairs finding `f`, if any: `place` picks a new failover's target (undefined: none fits now). */
export const repairSpec = (
  config: Pick<ControllerConfig, 'migration' | 'failover'>,
  f: Exclude<Finding, { kind: 'owned' | 'dedupe' }>,
  place: (vip: string) => string | undefined,
): MoveSpec | undefined => {
  if (f.kind === 'resume-planned' || f.kind === 'resume-failover') return resumeSpec(config.migration, f);
  if (!config.failover.enabled) return undefined;
  const to = place(f.vip);
  return to === undefined ? undefined : failoverSpec(config.migration, f, to);
};
