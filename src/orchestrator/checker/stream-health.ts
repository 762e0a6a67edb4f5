// Whether the workload ran at all and survived: a scenario whose probes never connected, or
// whose streams died for good, must fail loudly rather than pass every byte count vacuously.
import type { RunHistory } from '../history/history-types.js';
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

/**
 * Valid when no selected stream failed for good: neither its summary says `failed` nor the
 * client logged a 'failed' event for it (which covers a client that died before summarising).
 */
export function noFailedStreams(scope: StreamScope = {}): Checker {
  const name = `no-failed-streams${scopeSuffix(scope)}`;
  return {
    name,
    check(history: RunHistory) {
      const streams = selectStreams(history, scope);
      const failed = new Map<string, string>();
      for (const s of streams) if (s.failed) failed.set(streamLabel(s), s.failReason ?? 'failed');
      for (const e of history.entries) {
        if (e.kind !== 'probe' || e.event.source !== 'probe-client' || e.event.event !== 'failed') continue;
        if (scope.workload !== undefined && e.workload !== scope.workload) continue;
        const label = streamLabel({ workload: e.workload, node: e.node, stream: e.event.stream });
        if (!failed.has(label)) failed.set(label, e.event.reason);
      }
      if (failed.size > 0) {
        const list = [...failed].map(([label, reason]) => `${label} (${reason})`);
        return { name, valid: false, detail: `${failed.size} streams failed: ${listSome(list, 3)}` };
      }
      if (streams.length === 0) return noStreams(name, scope);
      const result = { name, valid: true as const, detail: `none of ${streams.length} streams failed` };
      return withMissing(result, unsummarisedStreams(history, scope));
    },
  };
}

/** Valid when at least `min` distinct client streams established a connection. */
export function streamsEstablished(bound: { min: number } & StreamScope): Checker {
  const name = `streams-established${scopeSuffix(bound)}`;
  return {
    name,
    check(history: RunHistory) {
      const up = new Set<string>();
      for (const s of selectStreams(history, bound)) if (s.connections.length > 0) up.add(streamLabel(s));
      for (const e of history.entries) {
        if (e.kind !== 'probe' || e.event.source !== 'probe-client' || e.event.event !== 'established') continue;
        if (bound.workload !== undefined && e.workload !== bound.workload) continue;
        up.add(streamLabel({ workload: e.workload, node: e.node, stream: e.event.stream }));
      }
      const valid = up.size >= bound.min;
      return { name, valid, detail: `${up.size} streams established, ${valid ? 'at least' : 'want at least'} ${bound.min}` };
    },
  };
}
