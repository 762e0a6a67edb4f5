// Figures across repeats for report tables and benchmark plots. One failover is an anecdote;
// p50 / p95 / max over repeats is what a design decision can rest on.
import type { Distribution, RepeatReport, StreamReport } from '../report/report-types.js';

/**
 * The p-th percentile (0..100) with linear interpolation between closest ranks (the
 * "R-7" / numpy default rule): rank = p/100 · (n − 1). NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!; // lo and hi are within [0, n-1] by construction
  const b = sorted[hi]!;
  // 12 significant digits: drops float noise (2849.9999999999995) that would leak into report.json.
  return Number((a + (b - a) * (rank - lo)).toPrecision(12));
}

/** p50 / p95 / max, or undefined when there is nothing to summarise. */
export function distribution(values: readonly number[]): Distribution | undefined {
  if (values.length === 0) return undefined;
  // reduce, not Math.max(...values): pooled gaps of many repeats can exceed the argument limit.
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: values.reduce((m, v) => Math.max(m, v), -Infinity) };
}

const sum = (streams: readonly StreamReport[], field: keyof StreamReport & ('resets' | 'reconnects' | 'bytesLost' | 'bytesDuplicated' | 'bytesCorrupt')) =>
  streams.reduce((total, s) => total + s[field], 0);

/** Kept its one TCP connection: no reset, no reconnect, not failed (DESIGN §5 "transparent"). */
export const survivedTransparently = (s: StreamReport): boolean =>
  !s.failed && s.resets === 0 && s.reconnects === 0 && (s.connections === undefined || s.connections <= 1);

/**
 * Across the repeats that ran (no `error`, at least one stream):
 * - maxGapMs: per repeat, the longest gap of any stream;
 * - resets, reconnects, bytesLost, bytesDuplicated, bytesCorrupt: per repeat, summed over streams;
 * - survivalRate: per repeat, the share (0..1) of streams that survived transparently;
 * - streamMaxGapMs: every stream's longest gap, pooled over all repeats;
 * - gapMs: every single gap's duration, pooled over all streams of all repeats.
 * Keys without any value (e.g. gapMs when nothing ever stalled) are left out.
 */
export function aggregateRepeats(repeats: readonly RepeatReport[]): Record<string, Distribution> {
  const ran = repeats.filter((r) => r.error === undefined && r.streams.length > 0);
  const series: Record<string, number[]> = {
    maxGapMs: ran.map((r) => r.streams.reduce((m, s) => Math.max(m, s.maxGapMs), 0)),
    resets: ran.map((r) => sum(r.streams, 'resets')),
    reconnects: ran.map((r) => sum(r.streams, 'reconnects')),
    bytesLost: ran.map((r) => sum(r.streams, 'bytesLost')),
    bytesDuplicated: ran.map((r) => sum(r.streams, 'bytesDuplicated')),
    bytesCorrupt: ran.map((r) => sum(r.streams, 'bytesCorrupt')),
    survivalRate: ran.map((r) => Number((r.streams.filter(survivedTransparently).length / r.streams.length).toPrecision(12))),
    streamMaxGapMs: ran.flatMap((r) => r.streams.map((s) => s.maxGapMs)),
    gapMs: ran.flatMap((r) => r.streams.flatMap((s) => s.gaps.map((g) => g.endMs - g.startMs))),
  };
  const out: Record<string, Distribution> = {};
  for (const [key, values] of Object.entries(series)) {
    const d = distribution(values);
    if (d) out[key] = d;
  }
  return out;
}
