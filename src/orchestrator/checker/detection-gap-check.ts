// How much a failover mechanism adds to merely noticing the failure: each stream's application
// gap minus the detection time (first fault start → the first history entry that marks
// detection, e.g. the new active's mode change). A transparent takeover should add only the
// time to rebuild the connections; a reset-and-reconnect adds a round trip and a handshake.
import type { RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import type { EntryFilter } from './event-count.js';
import { detectionAfterFault } from './detection-time-check.js';
import { longestGapSince } from './gap-checks.js';
import { percentile } from './stats.js';
import { listSome, noStreams, scopeSuffix, selectStreams, streamLabel, type StreamScope } from './stream-select.js';

export interface GapBeyondDetectionSpec extends StreamScope {
  /** The entry that marks detection (the first one after the first fault start). */
  detection: EntryFilter;
  maxMs: number;
  /** Bound this percentile of the streams (e.g. 95) instead of every stream. */
  percentile?: number;
}

/**
 * Valid when every selected stream's longest gap (or, with `percentile`, that percentile of
 * them) exceeds the detection time by at most maxMs. Only gaps ending after the fault started
 * count. 'unknown' without a fault start or a detection entry after it (nothing to measure against).
 */
export function gapBeyondDetection(spec: GapBeyondDetectionSpec): Checker {
  const name = `gap-beyond-detection${scopeSuffix(spec)}`;
  return {
    name,
    check(history: RunHistory) {
      const { fault, detected } = detectionAfterFault(history, spec.detection);
      if (!fault) return { name, valid: 'unknown', detail: 'no fault started in this history' };
      if (!detected)
        return {
          name,
          valid: 'unknown',
          detail: `no ${spec.detection.kind} entry${spec.detection.event ? ` '${spec.detection.event}'` : ''} marks detection after ${fault.id} started`,
        };
      const detectionMs = detected.t - fault.t;
      const streams = selectStreams(history, spec);
      if (streams.length === 0) return noStreams(name, spec);
      const beyond = streams
        .map((s) => ({ s, gap: longestGapSince(s, fault.t) }))
        .map((b) => ({ ...b, ms: b.gap - detectionMs }))
        .sort((a, b) => b.ms - a.ms);
      const worst = beyond[0]!; // non-empty: checked above
      const worstText = `worst ${streamLabel(worst.s)}: gap ${Math.round(worst.gap)} ms = detection + ${Math.round(worst.ms)} ms`;
      if (spec.percentile !== undefined) {
        const p = percentile(
          beyond.map((b) => b.ms),
          spec.percentile,
        );
        const text = `detection ${Math.round(detectionMs)} ms; p${spec.percentile} of ${streams.length} streams' gaps = detection + ${Math.round(p)} ms; ${worstText}`;
        return p > spec.maxMs
          ? { name, valid: false, detail: `${text}; p${spec.percentile} > +${spec.maxMs} ms` }
          : { name, valid: true, detail: `${text}; p${spec.percentile} ≤ +${spec.maxMs} ms` };
      }
      const text = `detection ${Math.round(detectionMs)} ms; ${worstText}`;
      const over = beyond.filter((b) => b.ms > spec.maxMs);
      if (over.length > 0)
        return { name, valid: false, detail: `${text} > +${spec.maxMs} ms (${listSome(over.map((o) => streamLabel(o.s)))})` };
      return { name, valid: true, detail: `${text} ≤ +${spec.maxMs} ms (${streams.length} streams)` };
    },
  };
}
