// The application gap is what a user of the HA pair feels: how long the byte stream stood
// still. The probe records every gap longer than its threshold per stream; these checks
// bound the worst one, or demand the expected shape ("one 2 s outage, nothing else").
import type { RunHistory, WorkloadStreamSummary } from '../history/history-types.js';
import { faultStart } from './fault-start.js';
import type { Checker } from './checker.js';
import { percentile } from './stats.js';
import {
  listSome,
  noStreams,
  scopeSuffix,
  selectStreams,
  streamLabel,
  unsummarisedStreams,
  withMissing,
  type StreamScope,
} from './stream-select.js';

/** Valid when no selected stream's longest gap exceeds `limitMs`. */
export function maxGap(limitMs: number, scope: StreamScope = {}): Checker {
  const name = `max-gap${scopeSuffix(scope)}`;
  return {
    name,
    check(history: RunHistory) {
      const streams = selectStreams(history, scope);
      if (streams.length === 0) return noStreams(name, scope);
      const sorted = [...streams].sort((a, b) => b.maxGapMs - a.maxGapMs);
      const worst = sorted[0]!; // non-empty: checked above
      const over = sorted.filter((s) => s.maxGapMs > limitMs);
      const worstText = `worst ${streamLabel(worst)}: ${fmtMs(worst.maxGapMs)}`;
      if (over.length > 0) {
        return { name, valid: false, detail: `${worstText} > limit ${fmtMs(limitMs)}; ${over.length} of ${streams.length} streams over` };
      }
      const result = { name, valid: true as const, detail: `${worstText} ≤ limit ${fmtMs(limitMs)} (${streams.length} streams)` };
      return withMissing(result, unsummarisedStreams(history, scope));
    },
  };
}

export interface GapShape extends StreamScope {
  expectedMs: number;
  toleranceMs: number;
  /** Exactly this many gaps per stream; when absent, at least one. */
  count?: number;
}

/**
 * Valid when every selected stream has the expected gap shape: each of its gaps lasts
 * expectedMs ± toleranceMs (bounds included), and it has exactly `count` gaps (or at least
 * one when `count` is absent). Any other gap, shorter or longer, fails the stream.
 */
export function gapWithin(shape: GapShape): Checker {
  const { expectedMs, toleranceMs, count } = shape;
  const name = `gap-within${scopeSuffix(shape)}`;
  const want = `${count === undefined ? 'at least one gap' : `exactly ${count} gap${count === 1 ? '' : 's'}`} of ${fmtMs(expectedMs)} ± ${fmtMs(toleranceMs)}`;
  return {
    name,
    check(history: RunHistory) {
      const streams = selectStreams(history, shape);
      if (streams.length === 0) return noStreams(name, shape);
      const bad: string[] = [];
      for (const s of streams) {
        const durations = s.gaps.map((g) => g.endMs - g.startMs);
        const inShape = durations.every((d) => Math.abs(d - expectedMs) <= toleranceMs);
        const countOk = count === undefined ? durations.length >= 1 : durations.length === count;
        if (!inShape || !countOk) {
          const seen =
            durations.length === 0
              ? 'no gaps'
              : `${durations.length} gap${durations.length === 1 ? '' : 's'} (${durations.map(fmtMs).join(', ')})`;
          bad.push(`${streamLabel(s)}: ${seen}`);
        }
      }
      if (bad.length > 0) {
        return { name, valid: false, detail: `${bad.length} of ${streams.length} streams lack ${want}: ${listSome(bad, 3)}` };
      }
      const result = { name, valid: true as const, detail: `all ${streams.length} streams had ${want}` };
      return withMissing(result, unsummarisedStreams(history, shape));
    },
  };
}

export const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;

export interface GapPercentileSpec extends StreamScope {
  /** 0..100, e.g. 95. */
  percentile: number;
  /** At most this (the usual bound). At least one of maxMs and minMs. */
  maxMs?: number;
  /** At least this: an outage a scenario shows on purpose (a setting the mechanism warns against). */
  minMs?: number;
  /**
   * A fault id or kind: only gaps that end after it started count (a gap it interrupted counts
   * whole). Without it, every gap of the run, including a client's ramp-up of hundreds of
   * streams, which can stall its first streams longer than the failover under test does.
   */
  since?: string;
  /**
   * A fault id or kind: only gaps that start before it started count. Closes the window on a
   * later step of the scenario whose own load (another client starting on the shared host)
   * must not be charged to the fault under test.
   */
  until?: string;
}

/**
 * A stream's longest gap among those ending after `sinceMs` (all of them without it). A summary
 * with a longest gap but no gap list cannot be dated: its longest gap counts.
 */
export const longestGapSince = (s: WorkloadStreamSummary, sinceMs: number | undefined): number =>
  sinceMs === undefined || s.gaps.length === 0
    ? s.maxGapMs
    : s.gaps.reduce((max, g) => (g.endMs > sinceMs ? Math.max(max, g.endMs - g.startMs) : max), 0);

/** longestGapSince, counting only gaps that start before `untilMs`. */
const longestGapBetween = (s: WorkloadStreamSummary, sinceMs: number | undefined, untilMs: number): number =>
  s.gaps.length === 0
    ? s.maxGapMs
    : s.gaps.reduce(
        (max, g) => ((sinceMs === undefined || g.endMs > sinceMs) && g.startMs < untilMs ? Math.max(max, g.endMs - g.startMs) : max),
        0,
      );

/**
 * Valid when the given percentile of the selected streams' longest gaps is ≤ maxMs: a bound on
 * what most connections felt, where one stream's unlucky retransmission must not decide.
 */
export function gapPercentile(spec: GapPercentileSpec): Checker {
  const name = `gap-p${spec.percentile}${scopeSuffix(spec)}`;
  return {
    name,
    check(history: RunHistory) {
      const streams = selectStreams(history, spec);
      if (streams.length === 0) return noStreams(name, spec);
      const sinceMs = spec.since === undefined ? undefined : faultStart(history, spec.since)?.t;
      if (spec.since !== undefined && sinceMs === undefined)
        return { name, valid: 'unknown', detail: `no fault '${spec.since}' started in this history, so no gap can be dated after it` };
      const untilMs = spec.until === undefined ? undefined : faultStart(history, spec.until)?.t;
      if (spec.until !== undefined && untilMs === undefined)
        return { name, valid: 'unknown', detail: `no fault '${spec.until}' started in this history, so the window has no end` };
      const longest = streams.map((s) => (untilMs === undefined ? longestGapSince(s, sinceMs) : longestGapBetween(s, sinceMs, untilMs)));
      const text = `p${spec.percentile} of ${streams.length} streams' longest gaps${spec.since === undefined ? '' : ` since ${spec.since}`}${spec.until === undefined ? '' : ` until ${spec.until}`}: ${fmtMs(percentile(longest, spec.percentile))}, max ${fmtMs(Math.max(...longest))}`;
      const value = percentile(longest, spec.percentile);
      if (spec.maxMs !== undefined && value > spec.maxMs) return { name, valid: false, detail: `${text} > limit ${fmtMs(spec.maxMs)}` };
      if (spec.minMs !== undefined && value < spec.minMs) return { name, valid: false, detail: `${text} < at least ${fmtMs(spec.minMs)}` };
      const bounds = [spec.minMs !== undefined && `≥ ${fmtMs(spec.minMs)}`, spec.maxMs !== undefined && `≤ limit ${fmtMs(spec.maxMs)}`];
      return withMissing(
        { name, valid: true, detail: `${text} ${bounds.filter(Boolean).join(' and ')}` },
        unsummarisedStreams(history, spec),
      );
    },
  };
}

/**
 * Valid when every stream that kept its first connection (no reset, reconnect, EOF or timeout)
 * stood still no longer than limitMs after the first fault started (each gap counted from the
 * fault's start at the earliest): the streams a failure elsewhere must not touch (a back end's
 * crash, a drain). What came before the fault (a ramp-up of many streams) is not its doing. 'unknown' without a fault or when no stream kept
 * its connection; how many were affected is for another check (a count of resets) to pin
 * down, so a stream cannot escape by failing.
 */
export function keptStreamsMaxGap(limitMs: number, until?: string): Checker {
  const name = 'kept-streams-max-gap';
  return {
    name,
    check(history: RunHistory) {
      const fault = faultStart(history);
      if (!fault) return { name, valid: 'unknown', detail: 'no fault started in this history' };
      const untilMs = until === undefined ? Infinity : faultStart(history, until)?.t;
      if (untilMs === undefined)
        return { name, valid: 'unknown', detail: `no fault '${until}' started in this history, so the window has no end` };
      const kept = history.streams
        .filter((s) => s.connections.length <= 1 && s.resets + s.reconnects + s.eofs + s.timeouts === 0)
        // Each gap counted from the fault's start at the earliest: a stream that stood still before
        // the fault began (the host busy injecting it) was not stopped by it.
        .map((s) => ({
          ...s,
          maxGapMs: Math.max(0, ...s.gaps.filter((g) => g.startMs < untilMs).map((g) => g.endMs - Math.max(g.startMs, fault.t))),
        }));
      if (kept.length === 0)
        return { name, valid: 'unknown', detail: `none of ${history.streams.length} streams kept its first connection` };
      const over = kept.filter((s) => s.maxGapMs > limitMs);
      const worst = [...kept].sort((a, b) => b.maxGapMs - a.maxGapMs)[0]!;
      const head = `${kept.length} of ${history.streams.length} streams kept their connection; since ${fault.id}${until === undefined ? '' : ` until ${until}`} worst ${streamLabel(worst)}: ${fmtMs(worst.maxGapMs)}`;
      if (over.length > 0)
        return { name, valid: false, detail: `${head} > limit ${fmtMs(limitMs)}; over: ${listSome(over.map(streamLabel))}` };
      return { name, valid: true, detail: `${head} ≤ limit ${fmtMs(limitMs)}` };
    },
  };
}
