// The application gap is what a user of the HA pair feels: how long the byte stream stood
// still. The probe records every gap longer than its threshold per stream; these checks
// bound the worst one, or demand the expected shape ("one 2 s outage, nothing else").
import type { RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { percentile } from './stats.js';
import {
  listSome, noStreams, scopeSuffix, selectStreams, streamLabel, unsummarisedStreams, withMissing, type StreamScope,
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
          const seen = durations.length === 0 ? 'no gaps' : `${durations.length} gap${durations.length === 1 ? '' : 's'} (${durations.map(fmtMs).join(', ')})`;
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
  maxMs: number;
}

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
      const value = percentile(streams.map((s) => s.maxGapMs), spec.percentile);
      const text = `p${spec.percentile} of ${streams.length} streams' longest gaps: ${fmtMs(value)}, max ${fmtMs(Math.max(...streams.map((s) => s.maxGapMs)))}`;
      if (value > spec.maxMs) return { name, valid: false, detail: `${text} > limit ${fmtMs(spec.maxMs)}` };
      return withMissing({ name, valid: true, detail: `${text} ≤ limit ${fmtMs(spec.maxMs)}` }, unsummarisedStreams(history, spec));
    },
  };
}
