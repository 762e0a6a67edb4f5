// The arp-ha daemon's own account of its modes ('mode' daemon entries {vip, mac, to}), and which
// node each MAC belongs to: what the ARP checks hold the captured claims against.
import type { DaemonEntry, HistoryEntry, RunHistory } from '../history/history-types.js';

export const ARP_HA = 'arp-ha';

export interface ModeChange {
  t: number;
  to: string;
}

export interface NodeModes {
  node: string;
  changes: ModeChange[];
}

/** Per service-LAN MAC, the node and its mode changes for the VIP, from arp-ha 'mode' events. */
export function modesByMac(history: RunHistory, vip: string): Map<string, NodeModes> {
  const byMac = new Map<string, NodeModes>();
  for (const e of history.entries) {
    if (!isModeEvent(e, vip)) continue;
    const mac = String(e.data['mac']).toLowerCase();
    const modes = byMac.get(mac) ?? { node: e.node, changes: [] };
    modes.changes.push({ t: e.t, to: String(e.data['to']) });
    byMac.set(mac, modes);
  }
  return byMac;
}

/** Which node each MAC belongs to, from any daemon event that names the node's MAC. */
export function nodesByMac(history: RunHistory): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const e of history.entries)
    if (e.kind === 'daemon' && typeof e.data['mac'] === 'string') nodes.set(e.data['mac'].toLowerCase(), e.node);
  return nodes;
}

const NODE_DOWN = new Set(['crash', 'kill', 'stop']);

/** Whether `node` was crashed, killed or stopped at some moment in [from, to]. */
export const wentDown = (history: RunHistory, node: string | undefined, from: number, to: number): boolean =>
  node !== undefined &&
  history.entries.some(
    (e) => e.kind === 'fault' && e.phase === 'start' && NODE_DOWN.has(e.fault) && e.targets.includes(node) && e.t >= from && e.t <= to,
  );

const isModeEvent = (e: HistoryEntry, vip: string): e is DaemonEntry =>
  e.kind === 'daemon' &&
  e.daemon === ARP_HA &&
  e.event === 'mode' &&
  e.data['vip'] === vip &&
  typeof e.data['mac'] === 'string' &&
  typeof e.data['to'] === 'string';
