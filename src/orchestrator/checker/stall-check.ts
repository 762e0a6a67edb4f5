// On a server→client stream the client has nothing to send, so a dead path is only noticed
// by its application stall timeout (DESIGN §5). This check bounds how long that takes: the
// part of the outage that is the client's own detection time, not the network's.
import type { RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { faultStart } from './fault-start.js';
import { listSome, scopeSuffix, streamLabel, type StreamScope } from './stream-select.js';

/**
 * Let F be the start of the first fault in the history (the earliest fault entry with phase
 * 'start'). The streams judged are the probe-client streams (in scope) that logged any event
 * before F, i.e. that were running when the fault hit. For each, its detection is its first
 * client event at or after F that is a 'timeout' of kind 'stall', a 'reset' or an 'eof'.
 * Valid when every such stream has a detection and detection.t − F ≤ ms. 'unknown' when the
 * history holds no fault start or no stream running at F; a stream that never detected the
 * fault fails the check (scope it to the workload whose path the fault cuts).
 */
export function stallDetectedWithin(bound: { ms: number } & StreamScope): Checker {
  const name = `stall-detected-within${scopeSuffix(bound)}`;
  return {
    name,
    check(history: RunHistory) {
      const first = faultStart(history);
      if (!first) return { name, valid: 'unknown', detail: 'no fault started in this history' };
      const F = first.t;
      const running = new Set<string>();
      const detectedAt = new Map<string, number>();
      for (const e of history.entries) {
        if (e.kind !== 'probe' || e.event.source !== 'probe-client') continue;
        if (bound.workload !== undefined && e.workload !== bound.workload) continue;
        const label = streamLabel({ workload: e.workload, node: e.node, stream: e.event.stream });
        if (e.t < F) {
          running.add(label);
          continue;
        }
        const ev = e.event;
        const detects = (ev.event === 'timeout' && ev.kind === 'stall') || ev.event === 'reset' || ev.event === 'eof';
        if (detects && !detectedAt.has(label)) detectedAt.set(label, e.t - F);
      }
      if (running.size === 0) return { name, valid: 'unknown', detail: `no stream was running when ${first.id} started` };
      const late: string[] = [];
      let worst = 0;
      for (const label of running) {
        const latency = detectedAt.get(label);
        if (latency === undefined) late.push(`${label}: never`);
        else if (latency > bound.ms) late.push(`${label}: ${Math.round(latency)} ms`);
        worst = Math.max(worst, latency ?? Infinity);
      }
      const since = `after ${first.id} started`;
      if (late.length > 0) {
        return {
          name,
          valid: false,
          detail: `${late.length} of ${running.size} streams did not detect within ${bound.ms} ms ${since}: ${listSome(late, 3)}`,
        };
      }
      return {
        name,
        valid: true,
        detail: `all ${running.size} streams detected within ${Math.round(worst)} ms ${since} (limit ${bound.ms} ms)`,
      };
    },
  };
}
