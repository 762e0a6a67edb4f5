// Where the outage begins, against a step of the mechanism under test: "the user is served until
// the server switch starts" (the patent's order: the gap opens at the freeze, after the request
// reached the server) or "the outage opens before the service was even asked to move" (the
// network switched first, §6 11). Each stream's longest gap must start before, or after, the
// first history entry matching a filter. How long an outage lasts moves with a loaded host's
// timing; on which side of a causal step it opens does not.
import type { RunHistory, WorkloadStreamSummary } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { describeFilter, matches, type EntryFilter } from './event-count.js';
import { listSome, noStreams, scopeSuffix, selectStreams, streamLabel, type StreamScope } from './stream-select.js';

export interface GapStartSpec extends StreamScope {
  /** Every stream's longest gap starts before the first entry matching this... */
  before?: EntryFilter;
  /** ...or after it (exactly one of the two). */
  after?: EntryFilter;
}

/** A stream's longest gap (the first of equals), or undefined when it recorded none. */
const longestGap = (s: WorkloadStreamSummary): { startMs: number; endMs: number } | undefined =>
  s.gaps.reduce<{ startMs: number; endMs: number } | undefined>(
    (best, g) => (best === undefined || g.endMs - g.startMs > best.endMs - best.startMs ? g : best),
    undefined,
  );

export function gapStarts(spec: GapStartSpec): Checker {
  const side = spec.before ? 'before' : 'after';
  const mark = spec.before ?? spec.after;
  if (!mark || (spec.before && spec.after)) throw new TypeError('gapStarts: give exactly one of before and after');
  const name = `gap-starts-${side}${scopeSuffix(spec)}`;
  return {
    name,
    check(history: RunHistory) {
      const at = history.entries.find((e) => matches(mark, e));
      if (!at) return { name, valid: 'unknown', detail: `no entry matches ${describeFilter(mark)}` };
      const streams = selectStreams(history, spec);
      if (streams.length === 0) return noStreams(name, spec);
      const rel = (t: number) => `${t >= at.t ? '+' : ''}${Math.round(t - at.t)} ms`;
      const starts = streams.map((s) => ({ s, gap: longestGap(s) }));
      // A stream that never stood still has no outage that began before the mark, and none that
      // began too early after it.
      const wrong = starts.filter(({ gap }) =>
        side === 'before' ? !gap || gap.startMs >= at.t : gap !== undefined && gap.startMs <= at.t,
      );
      const dated = starts.flatMap(({ gap }) => (gap ? [gap.startMs] : []));
      const range = dated.length > 0 ? `longest gaps start ${rel(Math.min(...dated))} to ${rel(Math.max(...dated))}` : 'no gap recorded';
      const head = `${streams.length} streams, ${range} from ${describeFilter(mark)}`;
      if (wrong.length > 0)
        return {
          name,
          valid: false,
          detail: `${head}; not ${side} it: ${listSome(wrong.map(({ s, gap }) => `${streamLabel(s)} (${gap ? rel(gap.startMs) : 'no gap'})`))}`,
        };
      return { name, valid: true, detail: `${head}: every one ${side} it` };
    },
  };
}
