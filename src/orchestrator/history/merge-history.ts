// Every source (nemesis, probe processes, daemons on every node, the runner) journals on its
// own; one wall clock is shared by all lab containers, so merging is a plain stable sort by
// time, no clock correction. Stability keeps each source's own order for equal timestamps.
import type { HistoryEntry, RunHistory, WorkloadStreamSummary } from './history-types.js';

export interface MergeHistoryInput {
  /** One list per source; order between lists decides ties at equal `t`. */
  entries: readonly (readonly HistoryEntry[])[];
  streams?: readonly WorkloadStreamSummary[];
  /** Defaults to the earliest entry time (0 for an empty history). */
  startMs?: number;
  /** Defaults to the latest entry time, and is never before `startMs`. */
  endMs?: number;
}

/** Entries of all lists in one array sorted by `t`; ties keep list order, then in-list order. */
export function mergeEntries(lists: readonly (readonly HistoryEntry[])[]): HistoryEntry[] {
  // Array.prototype.sort is stable (ES2019), so concatenation order breaks ties.
  return lists.flat().sort((a, b) => a.t - b.t);
}

export function mergeHistory(input: MergeHistoryInput): RunHistory {
  const entries = mergeEntries(input.entries);
  const first = entries[0]?.t ?? 0;
  const last = entries[entries.length - 1]?.t ?? first;
  const startMs = input.startMs ?? first;
  const endMs = Math.max(input.endMs ?? last, startMs);
  return { entries, streams: [...(input.streams ?? [])], startMs, endMs };
}
