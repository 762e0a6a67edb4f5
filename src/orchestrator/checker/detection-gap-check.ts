// How much a failover mechanism adds to merely noticing the failure: each stream's application
// gap minus the detection time (first fault start → the first history entry that marks
// detection, e.g. the new active's mode change). A transparent takeover should add only the
// time to rebuild the connections; a reset-and-reconnect adds a round trip and a handshake.
import type { FaultEntry, RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { matches, type EntryFilter } from './event-count.js';
import { listSome, noStreams, scopeSuffix, selectStreams, streamLabel, type StreamScope } from './stream-select.js';

export interface GapBeyondDetectionSpec extends StreamScope {
  /** The entry that marks detection (the first one after the first fault start). */
  detection: EntryFilter;
  maxMs: number;
}

/**
 * Valid when every selected stream's longest gap exceeds the detection time by at most maxMs.
 * 'unknown' without a fault start or a detection entry after it (nothing to measure against).
 */
export function gapBeyondDetection(spec: GapBeyondDetectionSpec): Checker {
  const name = `gap-beyond-detection${scopeSuffix(spec)}`;
  return {
    name,
    check(history: RunHistory) {
      const fault = history.entries.find((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'start');
      if (!fault) return { name, valid: 'unknown', detail: 'no fault started in this history' };
      const detected = history.entries.find((e) => e.t >= fault.t && matches(spec.detection, e));
      if (!detected) return { name, valid: 'unknown', detail: `no ${spec.detection.kind} entry${spec.detection.event ? ` '${spec.detection.event}'` : ''} marks detection after ${fault.id} started` };
      const detectionMs = detected.t - fault.t;
      const streams = selectStreams(history, spec);
      if (streams.length === 0) return noStreams(name, spec);
      const beyond = streams.map((s) => ({ s, ms: s.maxGapMs - detectionMs })).sort((a, b) => b.ms - a.ms);
      const worst = beyond[0]!; // non-empty: checked above
      const text = `detection ${Math.round(detectionMs)} ms; worst ${streamLabel(worst.s)}: gap ${Math.round(worst.s.maxGapMs)} ms = detection + ${Math.round(worst.ms)} ms`;
      const over = beyond.filter((b) => b.ms > spec.maxMs);
      if (over.length > 0) return { name, valid: false, detail: `${text} > +${spec.maxMs} ms (${listSome(over.map((o) => streamLabel(o.s)))})` };
      return { name, valid: true, detail: `${text} ≤ +${spec.maxMs} ms (${streams.length} streams)` };
    },
  };
}
