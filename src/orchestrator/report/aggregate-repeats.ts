// Figures across repeats for report.json's `aggregate` and the report tables.
import { distribution, survivedTransparently } from '../checker/stats.js';
import type { Distribution, RepeatReport, StreamReport } from './report-types.js';

type SummedField = keyof StreamReport & ('resets' | 'reconnects' | 'bytesLost' | 'bytesDuplicated' | 'bytesCorrupt');
const sum = (streams: readonly StreamReport[], field: SummedField) => streams.reduce((total, s) => total + s[field], 0);

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
