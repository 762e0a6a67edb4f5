// "Nothing is sent there any more once X happened", judged on the wire: no captured packet
// matching `packets` after the first history entry matching `after` (e.g. no packet to a dead
// back end once the front end declared it dead). Honest about vacuity: without the `after`
// entry, or without a single matching packet before it (a capture that never saw that
// traffic proves nothing by seeing none later), the verdict is 'unknown'. `packets` may also
// match a capture's per-address or per-MAC summaries (proto ipv4-address, ether: one entry with
// its first and last packet), judged by their last packet; those cannot say which packets fell
// inside an `until` window, so with `until` they are 'unknown'.
import type { HistoryEntry, RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { describeFilter, matches, type EntryFilter } from './event-count.js';

export interface NoPacketsAfterSpec {
  packets: EntryFilter;
  after: EntryFilter;
  /** The window ends at the first entry matching this after the mark (e.g. the back end's re-add). */
  until?: EntryFilter;
}

export function noPacketsAfter(spec: NoPacketsAfterSpec): Checker {
  if (spec.packets.kind !== 'packet') throw new TypeError(`noPacketsAfter: packets must be kind 'packet', got '${spec.packets.kind}'`);
  const name = `no-packets-after(${describeFilter(spec.after)})`;
  return {
    name,
    check(history: RunHistory) {
      const mark = history.entries.find((e) => matches(spec.after, e));
      if (!mark) return { name, valid: 'unknown', detail: `no entry matches ${describeFilter(spec.after)}` };
      const end = spec.until ? history.entries.find((e) => e.t >= mark.t && matches(spec.until!, e)) : undefined;
      const hits = history.entries.filter((e) => matches(spec.packets, e));
      if (spec.until && hits.some((e) => lastOf(e) !== e.t))
        return {
          name,
          valid: 'unknown',
          detail: `${describeFilter(spec.packets)} matches summaries (first and last packet): they cannot be judged up to an 'until'`,
        };
      const before = hits.filter((e) => e.t <= mark.t).length;
      const later = hits.filter((e) => lastOf(e) > mark.t && (end === undefined || e.t < end.t));
      const at = `+${((mark.t - history.startMs) / 1000).toFixed(3)} s${end ? ` until +${((end.t - history.startMs) / 1000).toFixed(3)} s` : ''}`;
      if (later.length > 0) {
        // Per-packet entries give the first one after the mark; a summary only its last packet.
        const summarised = later.some((e) => lastOf(e) !== e.t);
        const when = summarised
          ? `the last +${(Math.max(...later.map(lastOf)) - mark.t).toFixed(1)} ms`
          : `the first +${(later[0]!.t - mark.t).toFixed(1)} ms`;
        return {
          name,
          valid: false,
          detail: `${later.length} ${summarised ? 'address or MAC summaries' : 'packets'} match ${describeFilter(spec.packets)} after ${at}, ${when} after it`,
        };
      }
      if (before === 0)
        return { name, valid: 'unknown', detail: `no packet matches ${describeFilter(spec.packets)} at all: the capture proves nothing` };
      const packets = hits.reduce((n, e) => n + packetsIn(e), 0);
      return { name, valid: true, detail: `${packets} packets match ${describeFilter(spec.packets)} up to ${at}, none after` };
    },
  };
}

/** How many packets an entry stands for: a summary its count, a packet itself. */
const packetsIn = (e: HistoryEntry): number => ('packets' in e ? e.packets : 'frames' in e ? e.frames : 1);

/** A summary entry's last packet; a packet's own time. */
const lastOf = (e: HistoryEntry): number => ('lastT' in e ? e.lastT : e.t);
