// One owner of the VIP at a time, as the neighbours see it from the captured ARP claims.
import type { FaultEntry, RunHistory } from '../history/history-types.js';
import { isClaim, sightingText, vipSightings, type Sighting } from './arp-claims.js';
import { nodesByMac, wentDown } from './arp-ha-modes.js';
import type { Checker, CheckResult } from './checker.js';
import { splitBrainHeal } from './split-brain-heal.js';
import { listSome } from './stream-select.js';

interface Interval {
  from: number;
  to: number;
  label: string;
}

/**
 * When faults named (by nemesis or instance id) were in effect, each extended by graceMs (from
 * the end of the split brain it left, when `untilSplitBrainEnds` names the VIP); unended ones last forever.
 */
function faultIntervals(history: RunHistory, names: readonly string[], graceMs: number, untilSplitBrainEnds?: string): Interval[] {
  if (names.length === 0) return [];
  const open = new Map<string, FaultEntry>();
  const out: Interval[] = [];
  for (const e of history.entries) {
    if (e.kind !== 'fault' || (!names.includes(e.fault) && !names.includes(e.id))) continue;
    if (e.phase === 'start') open.set(e.id, e);
    else {
      const start = open.get(e.id);
      open.delete(e.id);
      out.push({ from: start?.t ?? history.startMs, to: healedAt(history, e, untilSplitBrainEnds) + graceMs, label: e.id });
    }
  }
  for (const start of open.values()) out.push({ from: start.t, to: Infinity, label: start.id });
  return out;
}

/** The fault's end, or when the split brain it left ended (never: Infinity). */
function healedAt(history: RunHistory, end: FaultEntry, vip: string | undefined): number {
  if (vip === undefined) return end.t;
  const heal = splitBrainHeal(history, vip, end.id);
  if (!heal || heal.active.length < 2) return end.t;
  return Math.max(end.t, heal.endT ?? Infinity);
}

export interface SingleArpOwnerSpec {
  vip: string;
  /** Fault kinds (nemesis names such as `partition`, or instance ids) during which two owners are tolerated. */
  allowDuringFaults?: string[];
  /** How long after such a fault ends two owners are still tolerated (the daemons resolve it); default 0. */
  graceMs?: number;
  /**
   * Two owners are tolerated after such a fault until the split brain it left is over (all but
   * one arp-ha node ACTIVE for the VIP at its end have stepped down), then for graceMs more.
   */
  untilSplitBrainEnds?: boolean;
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
      if (claims.length === 0)
        return {
          name,
          valid: 'unknown',
          detail: `no ARP claim for VIP ${spec.vip} in the history (nothing captured, or nobody announced or answered for it)`,
        };
      const exempt = faultIntervals(history, allowed, graceMs, spec.untilSplitBrainEnds ? spec.vip : undefined);
      const judged = claims.filter((c) => !exempt.some((i) => c.t >= i.from && c.t <= i.to));
      const skipped = claims.length - judged.length;
      const skippedText =
        skipped > 0
          ? `; ${skipped} claims during ${listSome([...new Set(exempt.map((i) => i.label))], 3)} (${spec.untilSplitBrainEnds ? 'until its split brain ended ' : ''}+${graceMs} ms grace) not judged`
          : '';
      const last = new Map<string, Sighting>();
      let first: [Sighting, Sighting] | undefined;
      let conflicts = 0;
      const nodes = nodesByMac(history);
      for (const c of judged) {
        // A claim made just before its node went down is history, not a rival: the new owner
        // of a crashed node's VIP announces within the window by design.
        const rival = [...last.values()].find(
          (p) => p.mac !== c.mac && c.t - p.t <= windowMs && !wentDown(history, nodes.get(p.mac), p.t, c.t),
        );
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
      if (judged.length === 0)
        return {
          name,
          valid: true,
          detail: `VIP ${spec.vip}: all ${claims.length} claims came while two owners were allowed${skippedText}`,
        };
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
