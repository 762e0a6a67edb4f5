// What a person says about one compared run, in one line: how many connections survived the
// fault on their first TCP connection, what was lost, and the longest silence a client felt.
// Also the per-repeat figures the comparison's charts draw.
import { survivedTransparently } from '../checker/stats.js';
import type { RepeatReport, RunReport, StreamReport } from './report-types.js';

export interface RepeatFigures {
  index: number;
  /** Each stream's longest gap (ms), in stream order; empty when the repeat could not run. */
  streamGapsMs: number[];
  kept: number;
  streams: number;
  error?: string;
}

export interface RunVerdict {
  kept: number;
  streams: number;
  resets: number;
  reconnects: number;
  failed: number;
  bytesLost: number;
  longestGapMs: number;
  /** e.g. "arp-ha: kept 4 of 4 connections, 0 bytes lost, longest gap 0.31 s". */
  line: string;
}

/** A stream kept its connection when it survived transparently: the definition report.json's survivalRate uses. */
export const keptConnection = (s: StreamReport): boolean => survivedTransparently(s);

export const repeatFigures = (r: RepeatReport): RepeatFigures => ({
  index: r.index,
  streamGapsMs: r.streams.map((s) => s.maxGapMs),
  kept: r.streams.filter(keptConnection).length,
  streams: r.streams.length,
  ...(r.error !== undefined ? { error: r.error } : {}),
});

const sum = (streams: readonly StreamReport[], pick: (s: StreamReport) => number): number => streams.reduce((t, s) => t + pick(s), 0);
const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export function runVerdict(report: RunReport): RunVerdict {
  const streams = report.repeats.flatMap((r) => r.streams);
  const v = {
    kept: streams.filter(keptConnection).length,
    streams: streams.length,
    resets: sum(streams, (s) => s.resets),
    reconnects: sum(streams, (s) => s.reconnects),
    failed: streams.filter((s) => s.failed).length,
    bytesLost: sum(streams, (s) => s.bytesLost),
    longestGapMs: streams.reduce((m, s) => Math.max(m, s.maxGapMs), 0),
  };
  const over = report.repeats.length > 1 ? ` over ${report.repeats.length} repeats` : '';
  const broken = report.repeats.filter((r) => r.error !== undefined).length;
  const parts = [
    `kept ${v.kept} of ${plural(v.streams, 'connection')}${over}`,
    `${plural(v.bytesLost, 'byte')} lost`,
    `longest gap ${(v.longestGapMs / 1000).toFixed(2)} s`,
  ];
  const damage = [
    ...(v.resets > 0 ? [plural(v.resets, 'reset')] : []),
    ...(v.reconnects > 0 ? [plural(v.reconnects, 'reconnect')] : []),
    ...(v.failed > 0 ? [`${plural(v.failed, 'stream')} failed`] : []),
    ...(broken > 0 ? [`${plural(broken, 'repeat')} could not run`] : []),
  ];
  return { ...v, line: `${report.scenario}: ${parts.join(', ')}${damage.length > 0 ? ` — ${damage.join(', ')}` : ''}` };
}
