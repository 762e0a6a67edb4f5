// Count checks over the per-stream summaries: each bound holds for every stream on its own
// (a scenario says "no stream resets", "each stream reconnects at least once"); the total is
// reported alongside so one glance shows how widespread a failure was.
import type { RunHistory, WorkloadStreamSummary } from '../history/history-types.js';
import type { Checker } from './checker.js';
import {
  listSome,
  noStreams,
  scopeSuffix,
  selectStreams,
  streamLabel,
  unsummarisedStreams,
  withMissing,
  type StreamScope,
} from './stream-select.js';

type CountField = 'resets' | 'reconnects' | 'bytesLost' | 'bytesDuplicated' | 'bytesCorrupt' | 'bytesReordered' | 'handshakeFailures';

export interface Bound extends StreamScope {
  min?: number;
  max?: number;
}

export function perStreamBound(baseName: string, field: CountField, bound: Bound): Checker {
  const { min, max } = bound;
  if (min === undefined && max === undefined) throw new TypeError(`${baseName}: give min or max`);
  const name = `${baseName}${scopeSuffix(bound)}`;
  const range = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
  return {
    name,
    check(history: RunHistory) {
      const streams = selectStreams(history, bound);
      if (streams.length === 0) return noStreams(name, bound);
      // Summaries of older probes lack the newer counts: they counted none.
      const value = (s: WorkloadStreamSummary): number => s[field] ?? 0;
      const total = streams.reduce((sum, s) => sum + value(s), 0);
      const outside = streams
        .filter((s) => (min !== undefined && value(s) < min) || (max !== undefined && value(s) > max))
        .sort((a, b) => distance(b) - distance(a));
      function distance(s: WorkloadStreamSummary): number {
        return Math.max(min !== undefined ? min - value(s) : 0, max !== undefined ? value(s) - max : 0);
      }
      if (outside.length > 0) {
        const worst = outside.map((s) => `${streamLabel(s)} = ${value(s)}`);
        return {
          name,
          valid: false,
          detail: `${outside.length} of ${streams.length} streams not ${range} per stream: ${listSome(worst)} (total ${total})`,
        };
      }
      const result = { name, valid: true as const, detail: `all ${streams.length} streams ${range} per stream (total ${total})` };
      return withMissing(result, unsummarisedStreams(history, bound));
    },
  };
}

export const resets = (bound: { max: number } & StreamScope): Checker => perStreamBound('resets', 'resets', bound);
export const reconnects = (bound: ({ max: number; min?: number } | { min: number; max?: number }) & StreamScope): Checker =>
  perStreamBound('reconnects', 'reconnects', bound);
export const bytesLost = (bound: { max: number } & StreamScope): Checker => perStreamBound('bytes-lost', 'bytesLost', bound);
export const bytesDuplicated = (bound: { max: number } & StreamScope): Checker =>
  perStreamBound('bytes-duplicated', 'bytesDuplicated', bound);
export const bytesCorrupt = (bound: { max: number } & StreamScope): Checker => perStreamBound('bytes-corrupt', 'bytesCorrupt', bound);
export const bytesReordered = (bound: { max: number } & StreamScope): Checker => perStreamBound('bytes-reordered', 'bytesReordered', bound);
export const handshakeFailures = (bound: { max: number } & StreamScope): Checker =>
  perStreamBound('handshake-failures', 'handshakeFailures', bound);
