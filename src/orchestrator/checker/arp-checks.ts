// Who owns a service address is decided by ARP: whichever MAC last claimed the VIP gets the
// neighbours' traffic. These checks judge the ARP packets captured during a run (packet
// entries) against the HA daemon's own account of its modes (arp-ha 'mode' daemon entries):
// one owner at a time, silence from the standby, and the right owner once faults are healed.
import type { DaemonEntry, FaultEntry, HistoryEntry, PacketEntry, RunHistory } from '../history/history-types.js';
import type { Checker, CheckResult } from './checker.js';
import { listSome } from './stream-select.js';

/** Copies of one frame seen on several capture points lie within this of each other. */
const SAME_FRAME_MS = 1;
const ARP_HA = 'arp-ha';

/** One ARP frame with the VIP as sender, however many capture points saw it. */
interface Sighting {
  t: number;
  mac: string;
  op: PacketEntry['arp']['op'];
  gratuitous: boolean;
  /** Capture points (`node:iface`) that saw it, first first. */
  points: string[];
}

/** A claim binds the VIP to the sender MAC in a neighbour's cache: a reply, or an announcement. */
const isClaim = (s: Sighting): boolean => s.op === 'reply' || s.gratuitous;

/**
 * ARP packets whose sender IP is the VIP, in time order, copies of one frame seen on several
 * capture points (same sender MAC, op and target within SAME_FRAME_MS) merged into one.
 */
function vipSightings(history: RunHistory, vip: string): Sighting[] {
  const out: Sighting[] = [];
  const keys: string[] = [];
  for (const e of history.entries) {
    if (e.kind !== 'packet' || e.proto !== 'arp' || e.arp.senderIp !== vip) continue;
    const a = e.arp;
    const key = `${a.senderMac}|${String(a.op)}|${a.targetMac}|${a.targetIp}`;
    const point = `${e.node}:${e.iface}`;
    let copy: Sighting | undefined;
    for (let i = out.length - 1; i >= 0 && e.t - out[i]!.t <= SAME_FRAME_MS; i--) {
      if (keys[i] === key && !out[i]!.points.includes(point)) { copy = out[i]; break; }
    }
    if (copy) copy.points.push(point);
    else {
      out.push({ t: e.t, mac: a.senderMac, op: a.op, gratuitous: a.gratuitous, points: [point] });
      keys.push(key);
    }
  }
  return out;
}

const hasPackets = (history: RunHistory): boolean => history.entries.some((e) => e.kind === 'packet');

const at = (history: RunHistory, t: number): string => `+${((t - history.startMs) / 1000).toFixed(3)} s`;

const opName = (op: Sighting['op']): string => (typeof op === 'string' ? op : `op ${op}`);

/** `02:…:0b (gratuitous request at +6.001 s on sw1:eth3)` */
const sightingText = (history: RunHistory, s: Sighting): string =>
  `${s.mac} (${s.gratuitous ? 'gratuitous ' : ''}${opName(s.op)} at ${at(history, s.t)} on ${s.points.join(', ')})`;

interface Interval {
  from: number;
  to: number;
  label: string;
}

/** When faults named (by nemesis or instance id) were in effect, each extended by graceMs; unended ones last forever. */
function faultIntervals(history: RunHistory, names: readonly string[], graceMs: number): Interval[] {
  if (names.length === 0) return [];
  const open = new Map<string, FaultEntry>();
  const out: Interval[] = [];
  for (const e of history.entries) {
    if (e.kind !== 'fault' || (!names.includes(e.fault) && !names.includes(e.id))) continue;
    if (e.phase === 'start') open.set(e.id, e);
    else {
      const start = open.get(e.id);
      open.delete(e.id);
      out.push({ from: start?.t ?? history.startMs, to: e.t + graceMs, label: e.id });
    }
  }
  for (const start of open.values()) out.push({ from: start.t, to: Infinity, label: start.id });
  return out;
}

export interface SingleArpOwnerSpec {
  vip: string;
  /** Fault kinds (nemesis names such as `partition`, or instance ids) during which two owners are tolerated. */
  allowDuringFaults?: string[];
  /** How long after such a fault ends two owners are still tolerated (the daemons resolve it); default 0. */
  graceMs?: number;
  /** Two MACs claiming within this are two owners; default 1000 ms. */
  windowMs?: number;
  name?: string;
}

/**
 * One owner of the VIP at a time, as the neighbours see it. A claim is an ARP packet in the
 * history whose sender IP is the VIP and which is a reply, or gratuitous (sender IP = target
 * IP = VIP): it binds the VIP to its sender MAC in the caches of whoever receives it. One frame
 * seen on several capture points within 1 ms is one claim. Claims made while a fault whose
 * kind (or id) is listed in allowDuringFaults is in effect, or within graceMs after it ends,
 * are not judged (a partition is expected to make two owners). The check fails when two
 * judged claims by different MACs lie within windowMs of each other; the detail names the
 * VIP, both MACs, their times (from the history's start) and capture points. 'unknown' when
 * the history holds no claim at all for the VIP (nothing was captured, or nobody spoke for it).
 */
export function singleArpOwner(spec: SingleArpOwnerSpec): Checker {
  const windowMs = spec.windowMs ?? 1000;
  const graceMs = spec.graceMs ?? 0;
  const allowed = spec.allowDuringFaults ?? [];
  const name = spec.name ?? `single-arp-owner[${spec.vip}]`;
  return {
    name,
    check(history: RunHistory): CheckResult {
      const claims = vipSightings(history, spec.vip).filter(isClaim);
      if (claims.length === 0) return { name, valid: 'unknown', detail: `no ARP claim for VIP ${spec.vip} in the history (nothing captured, or nobody announced or answered for it)` };
      const exempt = faultIntervals(history, allowed, graceMs);
      const judged = claims.filter((c) => !exempt.some((i) => c.t >= i.from && c.t <= i.to));
      const skipped = claims.length - judged.length;
      const skippedText = skipped > 0 ? `; ${skipped} claims during ${listSome([...new Set(exempt.map((i) => i.label))], 3)} (+${graceMs} ms grace) not judged` : '';
      const last = new Map<string, Sighting>();
      let first: [Sighting, Sighting] | undefined;
      let conflicts = 0;
      const nodes = nodesByMac(history);
      for (const c of judged) {
        // A claim made just before its node went down is history, not a rival: the new owner
        // of a crashed node's VIP announces within the window by design.
        const rival = [...last.values()].find((p) => p.mac !== c.mac && c.t - p.t <= windowMs && !wentDown(history, nodes.get(p.mac), p.t, c.t));
        if (rival) {
          conflicts++;
          first ??= [rival, c];
        }
        last.set(c.mac, c);
      }
      if (first) {
        const [a, b] = first;
        return {
          name,
          valid: false,
          detail: `VIP ${spec.vip} claimed by two MACs ${Math.round(b.t - a.t)} ms apart (window ${windowMs} ms): ${sightingText(history, a)} and ${sightingText(history, b)}; ${conflicts} conflicting claims in all${skippedText}`,
        };
      }
      if (judged.length === 0) return { name, valid: true, detail: `VIP ${spec.vip}: all ${claims.length} claims came while two owners were allowed${skippedText}` };
      return {
        name,
        valid: true,
        detail: `VIP ${spec.vip}: ${judged.length} claims, owners in order ${ownerSequence(judged)}, never two MACs within ${windowMs} ms${skippedText}`,
      };
    },
  };
}

/** The MACs in order of claim, repeats collapsed: `a → b` after one takeover; long flapping is elided. */
function ownerSequence(claims: readonly Sighting[]): string {
  const seq: string[] = [];
  for (const c of claims) if (seq[seq.length - 1] !== c.mac) seq.push(c.mac);
  if (seq.length <= 5) return seq.join(' → ');
  return `${seq.slice(0, 2).join(' → ')} → … (${seq.length - 4} more) → ${seq.slice(-2).join(' → ')}`;
}

interface ModeChange {
  t: number;
  to: string;
}

interface NodeModes {
  node: string;
  changes: ModeChange[];
}

/** Per service-LAN MAC, the node and its mode changes for the VIP, from arp-ha 'mode' events. */
function modesByMac(history: RunHistory, vip: string): Map<string, NodeModes> {
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
function nodesByMac(history: RunHistory): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const e of history.entries) if (e.kind === 'daemon' && typeof e.data['mac'] === 'string') nodes.set(e.data['mac'].toLowerCase(), e.node);
  return nodes;
}

const NODE_DOWN = new Set(['crash', 'kill', 'stop']);

/** Whether `node` was crashed, killed or stopped at some moment in [from, to]. */
const wentDown = (history: RunHistory, node: string | undefined, from: number, to: number): boolean =>
  node !== undefined && history.entries.some((e) => e.kind === 'fault' && e.phase === 'start' && NODE_DOWN.has(e.fault) && e.targets.includes(node) && e.t >= from && e.t <= to);

const isModeEvent = (e: HistoryEntry, vip: string): e is DaemonEntry =>
  e.kind === 'daemon' && e.daemon === ARP_HA && e.event === 'mode' && e.data['vip'] === vip
  && typeof e.data['mac'] === 'string' && typeof e.data['to'] === 'string';

export interface ArpSilentWhileStandbySpec {
  vip: string;
  /** How long before its ACTIVE mode event a node's ARP may come; default 50 ms. */
  leadMs?: number;
  name?: string;
}

/**
 * The standby never speaks for the VIP (seed §6 item 4): a Linux neighbour updates an
 * existing cache entry from the sender fields of any ARP packet, request or reply, so one
 * stray request from the standby steals the address. Each node's mode per VIP comes from the
 * arp-ha daemon's `mode` events ({vip, mac, to}; mac is the node's service-LAN MAC); before a
 * node's first mode event it counts as INITIAL. Every ARP packet whose sender IP is the VIP
 * (any op; copies on several capture points counted once) from MAC M must come while M's node
 * is ACTIVE for the VIP, or at most leadMs before its next mode event if that event is to
 * ACTIVE (the daemon logs the change around the moment it announces). Fails on any other such
 * packet, naming node, MAC, time, capture point and mode. 'unknown' when the history holds no
 * mode event for the VIP or no packet at all (nothing captured), or when a packet comes from
 * a MAC that no mode event names (it cannot be attributed to a node).
 */
export function arpSilentWhileStandby(spec: ArpSilentWhileStandbySpec): Checker {
  const leadMs = spec.leadMs ?? 50;
  const name = spec.name ?? `arp-silent-while-standby[${spec.vip}]`;
  return {
    name,
    check(history: RunHistory): CheckResult {
      const byMac = modesByMac(history, spec.vip);
      if (byMac.size === 0) return { name, valid: 'unknown', detail: `no ${ARP_HA} mode event for VIP ${spec.vip} in the history` };
      if (!hasPackets(history)) return { name, valid: 'unknown', detail: 'no packets captured in this history (add the service LAN to capture.links)' };
      const sightings = vipSightings(history, spec.vip);
      const violations: string[] = [];
      const foreign = new Set<string>();
      for (const s of sightings) {
        const modes = byMac.get(s.mac);
        if (!modes) { foreign.add(s.mac); continue; }
        const i = modes.changes.findIndex((c) => c.t > s.t);
        const current = i === 0 ? undefined : modes.changes[i === -1 ? modes.changes.length - 1 : i - 1];
        const next = i === -1 ? undefined : modes.changes[i];
        if (current?.to === 'ACTIVE' || (next?.to === 'ACTIVE' && next.t - s.t <= leadMs)) continue;
        const mode = current ? `${current.to} (since ${at(history, current.t)})` : 'INITIAL (before its first mode event)';
        violations.push(`${modes.node} ${sightingText(history, s)} while ${mode}`);
      }
      const nodes = [...new Set([...byMac.values()].map((m) => m.node))].sort();
      if (violations.length > 0) {
        return { name, valid: false, detail: `${violations.length} ARP packets with sender ${spec.vip} from a node not ACTIVE: ${listSome(violations, 2)}` };
      }
      const counted = `${sightings.length} ARP packets with sender ${spec.vip}, all from ACTIVE nodes (of ${nodes.join(', ')})`;
      if (foreign.size > 0) {
        return { name, valid: 'unknown', detail: `${counted} except from ${listSome([...foreign], 3)}, which no ${ARP_HA} mode event names` };
      }
      return { name, valid: true, detail: counted };
    },
  };
}

export interface ArpOwnerAfterSpec {
  vip: string;
  /** How long after the fault ends the claims may still disagree. */
  withinMs: number;
  /** The MAC that must own the VIP; or `node`, whose MAC its arp-ha mode events give. */
  mac?: string;
  node?: string;
  /** Judge after the last end of this fault (nemesis name or instance id); default the last fault to end. */
  afterFault?: string;
  name?: string;
}

/**
 * The VIP settles on one owner after the faults: let T be the time the last fault (or the last
 * `afterFault`) ended. Claims (as for singleArpOwner) made later than T + withinMs must all come
 * from one MAC; when there are none, the last claim after T decides. That MAC must be `mac`,
 * or `node`'s service-LAN MAC from its arp-ha mode events for the VIP, when given. 'unknown'
 * when no such fault ended, when nobody claimed the VIP after T, or when node's MAC is unknown.
 */
export function arpOwnerAfter(spec: ArpOwnerAfterSpec): Checker {
  const expectedWhat = spec.mac ? ` = ${spec.mac.toLowerCase()}` : spec.node ? ` = ${spec.node}` : '';
  const name = spec.name ?? `arp-owner-after[${spec.vip}${expectedWhat}]`;
  return {
    name,
    check(history: RunHistory): CheckResult {
      const ends = history.entries.filter((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'end'
        && (spec.afterFault === undefined || e.fault === spec.afterFault || e.id === spec.afterFault));
      const end = ends[ends.length - 1];
      if (!end) return { name, valid: 'unknown', detail: `no fault${spec.afterFault ? ` ${spec.afterFault}` : ''} ended in this history` };
      let expected = spec.mac?.toLowerCase();
      if (expected === undefined && spec.node !== undefined) {
        expected = [...modesByMac(history, spec.vip)].filter(([, m]) => m.node === spec.node).map(([mac]) => mac).pop();
        if (expected === undefined) return { name, valid: 'unknown', detail: `no ${ARP_HA} mode event for VIP ${spec.vip} gives ${spec.node}'s MAC` };
      }
      const after = vipSightings(history, spec.vip).filter((c) => isClaim(c) && c.t > end.t);
      const since = `${end.id} ended at ${at(history, end.t)}`;
      if (after.length === 0) return { name, valid: 'unknown', detail: `no ARP claim for VIP ${spec.vip} after ${since}` };
      const settle = end.t + spec.withinMs;
      const late = after.filter((c) => c.t > settle);
      const macs = [...new Set((late.length > 0 ? late : after.slice(-1)).map((c) => c.mac))];
      const owner = macs.length === 1 ? macs[0] : undefined;
      const who = expected === undefined ? '' : ` (want ${expected}${spec.node ? `, ${spec.node}` : ''})`;
      if (owner === undefined) {
        const firstOther = late.find((c) => c.mac !== late[0]!.mac)!; // two MACs among late claims
        return { name, valid: false, detail: `VIP ${spec.vip} still claimed by ${macs.length} MACs more than ${spec.withinMs} ms after ${since}: ${sightingText(history, late[0]!)} and ${sightingText(history, firstOther)}${who}` };
      }
      const basis = late.length > 1 ? `all ${late.length} claims after ${at(history, settle)}` : late.length === 1 ? `the one claim after ${at(history, settle)}` : `the last claim, at ${at(history, after[after.length - 1]!.t)}`;
      if (expected !== undefined && owner !== expected) {
        return { name, valid: false, detail: `VIP ${spec.vip} owned by ${owner} after ${since}${who}: ${basis}` };
      }
      return { name, valid: true, detail: `VIP ${spec.vip} owned by ${owner} within ${spec.withinMs} ms after ${since}: ${basis}` };
    },
  };
}
