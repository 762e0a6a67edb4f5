// An outage the nemesis caused should show up as exactly one application gap per stream, as
// long as the fault really lasted (measured from its start and end in the history, not the
// nominal duration: exec latency under load moves both) plus what the transport adds on top —
// for TCP, the wait for the next backed-off retransmission, up to the lab's RTO cap.
import type { FaultEntry, RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { faultStart } from './fault-start.js';
import { fmtMs } from './gap-checks.js';
import { listSome, noStreams, selectStreams, streamLabel, unsummarisedStreams, withMissing } from './stream-select.js';

export interface GapMatchesFaultSpec {
  /** How much longer than the fault a gap may be (e.g. the RTO cap plus a round trip). */
  extraMaxMs: number;
  /** How much shorter than the fault a gap may be (capture and timer jitter). */
  toleranceMs: number;
  /** Fault id or kind; default: the first fault that started. */
  fault?: string;
}

export function gapMatchesFault(spec: GapMatchesFaultSpec): Checker {
  const name = 'gap-matches-fault';
  return {
    name,
    check(history: RunHistory) {
      const start = faultStart(history, spec.fault);
      const end = start && history.entries.find((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'end' && e.id === start.id);
      if (!start || !end)
        return {
          name,
          valid: 'unknown',
          detail: `no ${spec.fault ?? ''} fault with both a start and an end in this history`.replace('  ', ' '),
        };
      const faultMs = end.t - start.t;
      const [lo, hi] = [faultMs - spec.toleranceMs, faultMs + spec.extraMaxMs];
      const streams = selectStreams(history, {});
      if (streams.length === 0) return noStreams(name, {});
      const bad = streams.filter((s) => s.gaps.length !== 1 || s.maxGapMs < lo || s.maxGapMs > hi);
      const window = `${start.id} lasted ${faultMs} ms: want exactly 1 gap of ${lo}–${hi} ms`;
      if (bad.length > 0) {
        const what = bad.map((s) => `${streamLabel(s)}: ${s.gaps.length} gap${s.gaps.length === 1 ? '' : 's'} (max ${fmtMs(s.maxGapMs)})`);
        return { name, valid: false, detail: `${window}; ${bad.length} of ${streams.length} streams differ: ${listSome(what)}` };
      }
      const gaps = streams.map((s) => s.maxGapMs);
      return withMissing(
        {
          name,
          valid: true,
          detail: `${window}; all ${streams.length} streams: ${Math.round(Math.min(...gaps))}–${fmtMs(Math.max(...gaps))}`,
        },
        unsummarisedStreams(history, {}),
      );
    },
  };
}
