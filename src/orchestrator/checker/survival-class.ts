// The survival class a scenario declares (`expect:`, DESIGN §5) as a check of its own, added to
// every scenario: `transparent` — every stream kept its first connection (no reset, no
// reconnect) and ended healthy with every byte intact; `session` — connections may be replaced
// but no stream lost, duplicated or corrupted a byte or failed for good; `none` — connections
// may die, nothing is implied. A scenario's own checks may be stricter, never weaker: the
// bounds the class implies are also what the scenario parser holds its checks against.
import type { HistoryEntry, ProbeEntry, RunHistory, WorkloadStreamSummary } from '../history/history-types.js';
import type { CheckResult, Checker, Validity } from './checker.js';
import { listSome, noStreams, selectStreams, streamLabel, unsummarisedStreams, withMissing } from './stream-select.js';

export const SURVIVAL_CLASSES = ['transparent', 'session', 'none'] as const;
export type SurvivalClass = (typeof SURVIVAL_CLASSES)[number];

/** Per-stream counts a class bounds at zero. */
type ZeroField = 'resets' | 'reconnects' | 'bytesLost' | 'bytesDuplicated' | 'bytesCorrupt';

export interface ClassBounds {
  /** Each of these is 0 on every stream. */
  zero: readonly ZeroField[];
  /** No stream failed for good. */
  noFailedStreams: boolean;
  /** Every stream used exactly one TCP connection. */
  firstConnection: boolean;
}

const INTACT: readonly ZeroField[] = ['bytesLost', 'bytesDuplicated', 'bytesCorrupt'];

export const CLASS_BOUNDS: Record<SurvivalClass, ClassBounds> = {
  transparent: { zero: ['resets', 'reconnects', ...INTACT], noFailedStreams: true, firstConnection: true },
  session: { zero: INTACT, noFailedStreams: true, firstConnection: false },
  none: { zero: [], noFailedStreams: false, firstConnection: false },
};

/** The check's name carries the class, so a report can show it from the results alone. */
const NAME_PREFIX = 'expect: ';
export const survivalCheckName = (cls: SurvivalClass): string => `${NAME_PREFIX}${cls}`;

export interface SurvivalVerdict {
  expect: SurvivalClass;
  valid: Validity;
  detail: string;
}

/** The survival class's result among a repeat's check results, if the run judged one. */
export function survivalVerdictOf(results: readonly CheckResult[]): SurvivalVerdict | undefined {
  for (const r of results) {
    const cls = SURVIVAL_CLASSES.find((c) => r.name === survivalCheckName(c));
    if (cls !== undefined) return { expect: cls, valid: r.valid, detail: r.detail };
  }
  return undefined;
}

/** What broke the class on one stream, or undefined when the stream kept it. */
function breach(s: WorkloadStreamSummary, bounds: ClassBounds): string | undefined {
  const over = bounds.zero.filter((field) => s[field] > 0).map((field) => `${field} ${s[field]}`);
  if (bounds.firstConnection && s.connections.length !== 1) over.push(`${s.connections.length} connections`);
  if (bounds.noFailedStreams && s.failed) over.push(`failed${s.failReason === undefined ? '' : ` (${s.failReason})`}`);
  return over.length === 0 ? undefined : `${streamLabel(s)}: ${over.join(', ')}`;
}

const isClientFailure = (e: HistoryEntry): e is ProbeEntry =>
  e.kind === 'probe' && e.event.source === 'probe-client' && e.event.event === 'failed';

const PROMISE: Record<SurvivalClass, string> = {
  transparent: 'kept its first connection (no reset, no reconnect), lost, duplicated and corrupted no byte and did not fail',
  session: 'lost, duplicated and corrupted no byte and did not fail (reconnects allowed)',
  none: 'may lose its connection: nothing implied',
};

export function survivalClass(cls: SurvivalClass): Checker {
  const name = survivalCheckName(cls);
  const bounds = CLASS_BOUNDS[cls];
  return {
    name,
    check(history: RunHistory): CheckResult {
      const streams = selectStreams(history);
      if (cls === 'none') return { name, valid: true, detail: `connections may die (${streams.length} streams); nothing implied` };
      const breaches = streams.map((s) => breach(s, bounds)).filter((b): b is string => b !== undefined);
      // A client that died before summarising logged 'failed' events only: they count too.
      const failedEvents = history.entries.filter(isClientFailure).map((e) => streamLabel({ ...e, stream: e.event.stream }));
      const summarised = new Set(streams.map(streamLabel));
      const unsummarisedFailures = [...new Set(failedEvents)].filter((label) => !summarised.has(label)).map((label) => `${label}: failed`);
      const all = bounds.noFailedStreams ? [...breaches, ...unsummarisedFailures] : breaches;
      if (all.length > 0) {
        return { name, valid: false, detail: `${all.length} of ${streams.length} streams broke the class: ${listSome(all, 3)}` };
      }
      if (streams.length === 0) return noStreams(name, {});
      return withMissing({ name, valid: true, detail: `each of ${streams.length} streams ${PROMISE[cls]}` }, unsummarisedStreams(history));
    },
  };
}
