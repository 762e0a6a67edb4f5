// A part of the run a check looks at, marked by history entries: from the first entry matching
// `after` (exclusive) to the first entry matching `until` at or after that mark (exclusive). It
// keeps a count about the scenario's own events from also counting what the runner's teardown
// makes the daemons do (a probe server restarted, a link restored, an agent re-registering).
import type { HistoryEntry, RunHistory } from '../history/history-types.js';
import { describeFilter, matches, type EntryFilter } from './event-count.js';

export interface WindowSpec {
  /** The window opens at the first entry matching this (the entry itself is outside). */
  after?: EntryFilter;
  /** The window closes at the first entry matching this at or after the opening mark. */
  until?: EntryFilter;
}

export interface EntryWindow {
  /** Whether an entry lies in the window. */
  contains(e: HistoryEntry): boolean;
  /** "after +1.500 s until +6.020 s", relative to the run's start; '' for the whole run. */
  text: string;
}

export type WindowResult = { window: EntryWindow } | { missing: string };

const rel = (history: RunHistory, t: number): string => `+${((t - history.startMs) / 1000).toFixed(3)} s`;

/** The window in this history, or what mark is missing (an `after` that never happened: nothing can be judged). */
export function entryWindow(history: RunHistory, spec: WindowSpec): WindowResult {
  const mark = spec.after ? history.entries.find((e) => matches(spec.after!, e)) : undefined;
  if (spec.after && !mark) return { missing: `no entry matches ${describeFilter(spec.after)}` };
  const from = mark?.t ?? -Infinity;
  const end = spec.until ? history.entries.find((e) => e.t >= from && matches(spec.until!, e)) : undefined;
  const to = end?.t ?? Infinity;
  const parts = [mark ? `after ${rel(history, mark.t)}` : '', end ? `until ${rel(history, end.t)}` : ''].filter(Boolean);
  return { window: { contains: (e) => e.t > from && e.t < to, text: parts.join(' ') } };
}
