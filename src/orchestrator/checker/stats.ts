// Percentiles for checks over many streams, and for report tables and benchmark plots across repeats.
// One failover is an anecdote; p50 / p95 / max over repeats is what a design decision can rest on.

export interface Distribution {
  p50: number;
  p95: number;
  max: number;
}

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

/** The figures of a stream's final report that say whether it kept its connection. */
export interface SurvivalFigures {
  failed: boolean;
  resets: number;
  reconnects: number;
  /** How many TCP connections the stream used, when recorded. */
  connections?: number;
}

/** Kept its one TCP connection: no reset, no reconnect, not failed (DESIGN §5 "transparent"). */
export const survivedTransparently = (s: SurvivalFigures): boolean =>
  !s.failed && s.resets === 0 && s.reconnects === 0 && (s.connections === undefined || s.connections <= 1);
