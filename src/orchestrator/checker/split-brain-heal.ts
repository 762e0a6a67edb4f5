// How a split brain healed, from the arp-ha daemons' own events: which nodes were ACTIVE for
// the VIP when the fault ended, when the first heartbeat crossed between two of them again
// ('path-up', stamped at receipt), and when all but one had stepped down (their 'mode' events,
// logged once the ARP gate is shut). The split-brain checks and the heal bench read it.
import type { DaemonEntry, FaultEntry, RunHistory } from '../history/history-types.js';
import { ARP_HA, modesByMac } from './arp-ha-modes.js';

export interface FirstCrossing {
  /** When the receiver heard it (its 'path-up' heardMs, else the event's time). */
  t: number;
  from: string;
  to: string;
  path: string;
  /** heard − sent, when the event says when it was sent (all containers share one clock). */
  oneWayMs?: number;
}

export interface SplitBrainHeal {
  fault: FaultEntry;
  /** When the heal began: the first heartbeat crossing after the fault began, or the fault's recorded end if earlier. */
  healT: number;
  /** Nodes ACTIVE for the VIP when the fault ended, with their service-LAN MACs. */
  active: { node: string; mac: string }[];
  crossing?: FirstCrossing;
  /** When at most one of them was still ACTIVE (undefined: never, in this history). */
  endT?: number;
  /** The one left ACTIVE, and those that stepped down. */
  winner?: { node: string; mac: string };
  losers: { node: string; mac: string; t: number }[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The split brain a fault left behind as it ended (the last fault to end, or the last end of
 * `afterFault`, a nemesis name or instance id). Undefined when no such fault ended; `active`
 * (ACTIVE for the VIP at healT) has fewer than two nodes when there was no split brain.
 */
export function splitBrainHeal(history: RunHistory, vip: string, afterFault?: string): SplitBrainHeal | undefined {
  const ends = history.entries.filter(
    (e): e is FaultEntry =>
      e.kind === 'fault' && e.phase === 'end' && (afterFault === undefined || e.fault === afterFault || e.id === afterFault),
  );
  const fault = ends[ends.length - 1];
  if (!fault) return undefined;
  const start = history.entries.find((e) => e.kind === 'fault' && e.phase === 'start' && e.id === fault.id)?.t ?? history.startMs;
  // Crossings from the fault's start on: the heal's entry is written once the nemesis returns,
  // some ms after its rules are gone, so beats may cross (and a loser step down) before it.
  // During the fault no path comes up.
  const crossings = history.entries
    .filter(
      (e): e is DaemonEntry =>
        e.kind === 'daemon' && e.daemon === ARP_HA && e.event === 'path-up' && (num(e.data['heardMs']) ?? e.t) > start,
    )
    .map((e): FirstCrossing => {
      const heard = num(e.data['heardMs']) ?? e.t;
      const sent = num(e.data['sentMs']);
      return {
        t: heard,
        from: String(e.data['peer']),
        to: e.node,
        path: String(e.data['path']),
        ...(sent !== undefined ? { oneWayMs: heard - sent } : {}),
      };
    })
    .sort((a, b) => a.t - b.t);
  // The split brain as it stood when the heal began: at the first crossing, or the recorded end.
  const healT = Math.min(fault.t, crossings[0]?.t ?? Infinity);
  const active: { node: string; mac: string; downT: number }[] = [];
  for (const [mac, modes] of modesByMac(history, vip)) {
    const before = modes.changes.filter((c) => c.t <= healT);
    if (before[before.length - 1]?.to !== 'ACTIVE') continue;
    const down = modes.changes.find((c) => c.t > healT && c.to !== 'ACTIVE');
    active.push({ node: modes.node, mac, downT: down?.t ?? Infinity });
  }
  active.sort((a, b) => a.downT - b.downT);
  const nodes = new Set(active.map((a) => a.node));
  const crossing = crossings.find((c) => nodes.has(c.from) && nodes.has(c.to));
  const endT = active.length >= 2 ? active[active.length - 2]!.downT : undefined;
  const last = active[active.length - 1];
  return {
    fault,
    healT,
    active: active.map(({ node, mac }) => ({ node, mac })),
    ...(crossing ? { crossing } : {}),
    ...(endT !== undefined && endT !== Infinity ? { endT } : {}),
    ...(last && last.downT === Infinity && active.length >= 2 ? { winner: { node: last.node, mac: last.mac } } : {}),
    losers: active.filter((a) => a.downT !== Infinity).map((a) => ({ node: a.node, mac: a.mac, t: a.downT })),
  };
}
