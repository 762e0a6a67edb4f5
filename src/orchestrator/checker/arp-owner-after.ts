// The VIP settles on one owner (the expected one, when named) once the faults are healed.
import type { FaultEntry, RunHistory } from '../history/history-types.js';
import { at, isClaim, sightingText, vipSightings } from './arp-claims.js';
import { ARP_HA, modesByMac } from './arp-ha-modes.js';
import type { Checker, CheckResult } from './checker.js';

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
      const ends = history.entries.filter(
        (e): e is FaultEntry =>
          e.kind === 'fault' &&
          e.phase === 'end' &&
          (spec.afterFault === undefined || e.fault === spec.afterFault || e.id === spec.afterFault),
      );
      const end = ends[ends.length - 1];
      if (!end) return { name, valid: 'unknown', detail: `no fault${spec.afterFault ? ` ${spec.afterFault}` : ''} ended in this history` };
      let expected = spec.mac?.toLowerCase();
      if (expected === undefined && spec.node !== undefined) {
        expected = [...modesByMac(history, spec.vip)]
          .filter(([, m]) => m.node === spec.node)
          .map(([mac]) => mac)
          .pop();
        if (expected === undefined)
          return { name, valid: 'unknown', detail: `no ${ARP_HA} mode event for VIP ${spec.vip} gives ${spec.node}'s MAC` };
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
        return {
          name,
          valid: false,
          detail: `VIP ${spec.vip} still claimed by ${macs.length} MACs more than ${spec.withinMs} ms after ${since}: ${sightingText(history, late[0]!)} and ${sightingText(history, firstOther)}${who}`,
        };
      }
      const basis =
        late.length > 1
          ? `all ${late.length} claims after ${at(history, settle)}`
          : late.length === 1
            ? `the one claim after ${at(history, settle)}`
            : `the last claim, at ${at(history, after[after.length - 1]!.t)}`;
      if (expected !== undefined && owner !== expected) {
        return { name, valid: false, detail: `VIP ${spec.vip} owned by ${owner} after ${since}${who}: ${basis}` };
      }
      return { name, valid: true, detail: `VIP ${spec.vip} owned by ${owner} within ${spec.withinMs} ms after ${since}: ${basis}` };
    },
  };
}
