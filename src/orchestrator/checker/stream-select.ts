// What the stream checkers share: which streams a check looks at, how a stream is named in
// a detail line, and the honesty rule that a stream the probe client spoke of but never
// summarised (its process died) makes a passing verdict 'unknown' rather than true.
import type { RunHistory, WorkloadStreamSummary } from '../history/history-types.js';
import type { CheckResult } from './check-result.js';

export interface StreamScope {
  /** Only streams of this workload; all workloads when absent. */
  workload?: string;
}

export interface StreamId {
  workload: string;
  node: string;
  stream: number;
}

export const streamLabel = (s: StreamId): string => `${s.workload}/${s.node}#${s.stream}`;

/** Workload, node, then stream number numerically (so #2 sorts before #10). */
export const compareStreams = (a: StreamId, b: StreamId): number =>
  a.workload.localeCompare(b.workload) || a.node.localeCompare(b.node) || a.stream - b.stream;

export function selectStreams(history: RunHistory, scope: StreamScope = {}): WorkloadStreamSummary[] {
  return history.streams.filter((s) => scope.workload === undefined || s.workload === scope.workload);
}

/** Client streams that appear in probe events but have no final summary. */
export function unsummarisedStreams(history: RunHistory, scope: StreamScope = {}): string[] {
  const summarised = new Set(selectStreams(history, scope).map(streamLabel));
  const missing = new Set<string>();
  for (const e of history.entries) {
    if (e.kind !== 'probe' || e.event.source !== 'probe-client') continue;
    if (scope.workload !== undefined && e.workload !== scope.workload) continue;
    const label = streamLabel({ workload: e.workload, node: e.node, stream: e.event.stream });
    if (!summarised.has(label)) missing.add(label);
  }
  return [...missing];
}

export const scopeSuffix = (scope: StreamScope): string => (scope.workload === undefined ? '' : `[${scope.workload}]`);

/** 'unknown' when there is nothing to judge: no verdict is better than a vacuous pass. */
export function noStreams(name: string, scope: StreamScope): CheckResult {
  const where = scope.workload === undefined ? '' : ` of workload ${scope.workload}`;
  return { name, valid: 'unknown', detail: `no stream summaries${where} in the history (probe did not report)` };
}

/** Downgrades a pass to 'unknown' when some streams could not be judged. */
export function withMissing(result: CheckResult, missing: readonly string[]): CheckResult {
  if (missing.length === 0 || result.valid !== true) return result;
  return { ...result, valid: 'unknown', detail: `${result.detail}; but ${missing.length} streams have no summary: ${listSome(missing)}` };
}

/** At most `limit` items, then "and N more", so a 1,000-stream run keeps short details. */
export function listSome(items: readonly string[], limit = 5): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}
