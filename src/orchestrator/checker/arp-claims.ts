// Who owns a service address is decided by ARP: whichever MAC last claimed the VIP gets the
// neighbours' traffic. The ARP checks judge the ARP packets captured during a run (packet
// entries); this module extracts the VIP's sightings and claims from them and words them.
import type { ArpFields, RunHistory } from '../history/history-types.js';

/** Copies of one frame seen on several capture points lie within this of each other. */
const SAME_FRAME_MS = 1;

/** One ARP frame with the VIP as sender, however many capture points saw it. */
export interface Sighting {
  t: number;
  mac: string;
  op: ArpFields['op'];
  gratuitous: boolean;
  /** Capture points (`node:iface`) that saw it, first first. */
  points: string[];
}

/** A claim binds the VIP to the sender MAC in a neighbour's cache: a reply, or an announcement. */
export const isClaim = (s: Sighting): boolean => s.op === 'reply' || s.gratuitous;

/**
 * ARP packets whose sender IP is the VIP, in time order, copies of one frame seen on several
 * capture points (same sender MAC, op and target within SAME_FRAME_MS) merged into one.
 */
export function vipSightings(history: RunHistory, vip: string): Sighting[] {
  const out: Sighting[] = [];
  const keys: string[] = [];
  for (const e of history.entries) {
    if (e.kind !== 'packet' || e.proto !== 'arp' || e.arp.senderIp !== vip) continue;
    const a = e.arp;
    const key = `${a.senderMac}|${String(a.op)}|${a.targetMac}|${a.targetIp}`;
    const point = `${e.node}:${e.iface}`;
    let copy: Sighting | undefined;
    for (let i = out.length - 1; i >= 0 && e.t - out[i]!.t <= SAME_FRAME_MS; i--) {
      if (keys[i] === key && !out[i]!.points.includes(point)) {
        copy = out[i];
        break;
      }
    }
    if (copy) copy.points.push(point);
    else {
      out.push({ t: e.t, mac: a.senderMac, op: a.op, gratuitous: a.gratuitous, points: [point] });
      keys.push(key);
    }
  }
  return out;
}

export const hasPackets = (history: RunHistory): boolean => history.entries.some((e) => e.kind === 'packet');

export const at = (history: RunHistory, t: number): string => `+${((t - history.startMs) / 1000).toFixed(3)} s`;

const opName = (op: Sighting['op']): string => (typeof op === 'string' ? op : `op ${op}`);

/** `02:…:0b (gratuitous request at +6.001 s on sw1:eth3)` */
export const sightingText = (history: RunHistory, s: Sighting): string =>
  `${s.mac} (${s.gratuitous ? 'gratuitous ' : ''}${opName(s.op)} at ${at(history, s.t)} on ${s.points.join(', ')})`;
