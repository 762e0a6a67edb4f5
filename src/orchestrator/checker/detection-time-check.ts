// How long a mechanism took to notice the failure: first fault start → the first history entry
// that marks detection (e.g. the standby's mode change to ACTIVE). What a heartbeat daemon's
// timing promises (interval × misses), judged whatever scheduling the host gave it.
import type { FaultEntry, HistoryEntry, RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { describeFilter, matches, type EntryFilter } from './event-count.js';
import { faultStart } from './fault-start.js';

export interface DetectionWithinSpec {
  /** The entry that marks detection (the first one at or after the first fault start). */
  detection: EntryFilter;
  maxMs: number;
}

/** The first fault's start and the first detection entry at or after it (undefined where either is missing). */
export function detectionAfterFault(
  history: RunHistory,
  detection: EntryFilter,
): { fault: FaultEntry | undefined; detected: HistoryEntry | undefined } {
  const fault = faultStart(history);
  const detected = fault ? history.entries.find((e) => e.t >= fault.t && matches(detection, e)) : undefined;
  return { fault, detected };
}

/** Valid when the detection entry comes at most maxMs after the first fault start; 'unknown' without a fault start, false without a detection. */
export function detectionWithin(spec: DetectionWithinSpec): Checker {
  const name = 'detection-within';
  return {
    name,
    check(history: RunHistory) {
      const { fault, detected } = detectionAfterFault(history, spec.detection);
      if (!fault) return { name, valid: 'unknown', detail: 'no fault started in this history' };
      if (!detected)
        return { name, valid: false, detail: `no ${describeFilter(spec.detection)} after ${fault.id} started: never detected` };
      const ms = Math.round(detected.t - fault.t);
      const text = `${describeFilter(spec.detection)} ${ms} ms after ${fault.id} started`;
      return ms > spec.maxMs
        ? { name, valid: false, detail: `${text} > ${spec.maxMs} ms` }
        : { name, valid: true, detail: `${text} ≤ ${spec.maxMs} ms` };
    },
  };
}
