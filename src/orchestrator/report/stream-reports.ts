// The report keeps what a reader needs per stream and per fault, not the raw history (that
// sits beside it in history.jsonl): summaries lose their tuple lists, fault start/end entries
// become one window each.
import type { FaultEntry, RunHistory, WorkloadStreamSummary } from '../history/history-types.js';
import type { FaultReport, StreamReport } from './report-types.js';

export function streamReport(s: WorkloadStreamSummary): StreamReport {
  const report: StreamReport = {
    workload: s.workload,
    node: s.node,
    stream: s.stream,
    direction: s.direction,
    maxGapMs: s.maxGapMs,
    gaps: s.gaps.map((g) => ({ startMs: g.startMs, endMs: g.endMs })),
    resets: s.resets,
    reconnects: s.reconnects,
    eofs: s.eofs,
    timeouts: s.timeouts,
    bytes: s.bytes,
    bytesLost: s.bytesLost,
    bytesDuplicated: s.bytesDuplicated,
    bytesCorrupt: s.bytesCorrupt,
    failed: s.failed,
    connections: s.connections.length,
  };
  if (s.failReason !== undefined) report.failReason = s.failReason;
  if (s.firstBadOffset !== undefined) report.firstBadOffset = s.firstBadOffset;
  if (s.bytesReordered !== undefined) report.bytesReordered = s.bytesReordered;
  if (s.handshakeFailures !== undefined) report.handshakeFailures = s.handshakeFailures;
  return report;
}

export const streamReports = (history: RunHistory): StreamReport[] => history.streams.map(streamReport);

/**
 * One window per fault id: the first 'start' opens it, the first following 'end' closes it.
 * A fault never healed keeps no endMs; an 'end' without a start (the start was lost) opens
 * at the history start, so the window is still shown rather than dropped.
 */
export function faultReports(history: RunHistory): FaultReport[] {
  const byId = new Map<string, FaultReport>();
  for (const e of history.entries) {
    if (e.kind !== 'fault') continue;
    const open = byId.get(e.id);
    if (e.phase === 'start') {
      if (!open) byId.set(e.id, withDetail({ id: e.id, fault: e.fault, targets: [...e.targets], startMs: e.t }, e));
    } else if (!open) {
      const orphan = { id: e.id, fault: e.fault, targets: [...e.targets], startMs: history.startMs, endMs: e.t };
      byId.set(e.id, { ...orphan, detail: `start not recorded${e.detail ? `; ${e.detail}` : ''}` });
    } else if (open.endMs === undefined) {
      open.endMs = e.t;
    }
  }
  return [...byId.values()].sort((a, b) => a.startMs - b.startMs);
}

function withDetail(report: FaultReport, e: FaultEntry): FaultReport {
  return e.detail === undefined ? report : { ...report, detail: e.detail };
}
