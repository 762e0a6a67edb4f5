// Where a front end sent a workload's connections, judged from the back ends' own probe
// servers (seed 002's pools, ratios and affinity): each server's `established` events are the
// connections it served (a server is shared by workloads, so its events are matched to the
// workload by stream id, which the runner keeps unique across workloads). Exact counts per back end (a pool is exact when every other node
// counts 0); every connection as the back end saw it comes from an address and port a client
// of the workload connected from (DNAT only: the back end sees the real client); and no
// client (address, port) was served by two back ends (affinity per connection). A full proxy
// (the HAProxy baseline) opens its own connection to the back end: with `proxiedFrom` every
// connection must come from that address instead (the back end never sees the client).
import type { ProbeEntry, RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { listSome } from './stream-select.js';

export interface BackendCountsSpec {
  workload: string;
  /**
   * Connections each back end (probe-server node) must have served: exactly, or between min and
   * max (a balancer whose split is not deterministic, e.g. a stick table racing its first
   * connections); any other node: 0.
   */
  counts: Record<string, CountBound>;
  /** The proxy's address, when the front end is a full proxy: the only source a back end may see. */
  proxiedFrom?: string;
}

export type CountBound = number | { min?: number; max?: number };

const within = (n: number, b: CountBound | undefined): boolean =>
  b === undefined ? n === 0 : typeof b === 'number' ? n === b : n >= (b.min ?? 0) && n <= (b.max ?? Infinity);
const boundText = (b: CountBound | undefined): string =>
  b === undefined ? '0' : typeof b === 'number' ? String(b) : `${b.min ?? 0}..${b.max ?? '∞'}`;

const endpoint = (address: string, port: number) => `${address.replace(/^::ffff:/, '')}:${port}`;

export function backendCounts(spec: BackendCountsSpec): Checker {
  const name = `backend-counts[${spec.workload}]`;
  return {
    name,
    check(history: RunHistory) {
      const established = history.entries.filter((e): e is ProbeEntry => e.kind === 'probe' && e.event.event === 'established');
      const streams = new Set(
        established.filter((e) => e.event.source === 'probe-client' && e.workload === spec.workload).map((e) => e.event.stream),
      );
      const clients = new Set<string>();
      const served = new Map<string, number>();
      const servedBy = new Map<string, Set<string>>();
      const foreign: string[] = [];
      for (const e of established) {
        if (e.event.event !== 'established') continue;
        const t = e.event.tuple;
        if (!streams.has(e.event.stream)) continue;
        if (e.event.source === 'probe-client') {
          clients.add(endpoint(t.localAddress, t.localPort));
          continue;
        }
        served.set(e.node, (served.get(e.node) ?? 0) + 1);
        const client = endpoint(t.remoteAddress, t.remotePort);
        servedBy.set(client, (servedBy.get(client) ?? new Set()).add(e.node));
      }
      const total = [...served.values()].reduce((a, b) => a + b, 0);
      if (total === 0) return { name, valid: 'unknown', detail: `no probe server of ${spec.workload} reported a connection` };
      const seenFromClient = (client: string) =>
        spec.proxiedFrom === undefined ? clients.has(client) : client.startsWith(`${spec.proxiedFrom}:`);
      for (const client of servedBy.keys()) if (!seenFromClient(client)) foreign.push(client);
      const split = [...servedBy].filter(([, nodes]) => nodes.size > 1).map(([c, nodes]) => `${c} on ${[...nodes].sort().join('+')}`);
      const nodes = [...new Set([...Object.keys(spec.counts), ...served.keys()])].sort();
      const wrong = nodes.filter((n) => !within(served.get(n) ?? 0, spec.counts[n]));
      const got = nodes.map((n) => `${n}=${served.get(n) ?? 0}`).join(' ');
      const problems = [
        ...(wrong.length ? [`want ${nodes.map((n) => `${n}=${boundText(spec.counts[n])}`).join(' ')}`] : []),
        ...(foreign.length
          ? [
              spec.proxiedFrom === undefined
                ? `${foreign.length} connections from addresses no client used (not the real client?): ${listSome(foreign)}`
                : `${foreign.length} connections not from the proxy's ${spec.proxiedFrom}: ${listSome(foreign)}`,
            ]
          : []),
        ...(split.length ? [`${split.length} clients served by two back ends: ${listSome(split)}`] : []),
      ];
      return { name, valid: problems.length === 0, detail: `served ${got}${problems.length ? `; ${problems.join('; ')}` : ''}` };
    },
  };
}
