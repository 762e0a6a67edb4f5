// The standby never speaks for the VIP: every ARP packet for it comes from the node arp-ha calls ACTIVE.
import type { RunHistory } from '../history/history-types.js';
import { at, hasPackets, sightingText, vipSightings } from './arp-claims.js';
import { ARP_HA, modesByMac } from './arp-ha-modes.js';
import type { Checker, CheckResult } from './checker.js';
import { listSome } from './stream-select.js';

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
      if (!hasPackets(history))
        return { name, valid: 'unknown', detail: 'no packets captured in this history (add the service LAN to capture.links)' };
      const sightings = vipSightings(history, spec.vip);
      const violations: string[] = [];
      const foreign = new Set<string>();
      for (const s of sightings) {
        const modes = byMac.get(s.mac);
        if (!modes) {
          foreign.add(s.mac);
          continue;
        }
        const i = modes.changes.findIndex((c) => c.t > s.t);
        const current = i === 0 ? undefined : modes.changes[i === -1 ? modes.changes.length - 1 : i - 1];
        const next = i === -1 ? undefined : modes.changes[i];
        if (current?.to === 'ACTIVE' || (next?.to === 'ACTIVE' && next.t - s.t <= leadMs)) continue;
        const mode = current ? `${current.to} (since ${at(history, current.t)})` : 'INITIAL (before its first mode event)';
        violations.push(`${modes.node} ${sightingText(history, s)} while ${mode}`);
      }
      const nodes = [...new Set([...byMac.values()].map((m) => m.node))].sort();
      if (violations.length > 0) {
        return {
          name,
          valid: false,
          detail: `${violations.length} ARP packets with sender ${spec.vip} from a node not ACTIVE: ${listSome(violations, 2)}`,
        };
      }
      const counted = `${sightings.length} ARP packets with sender ${spec.vip}, all from ACTIVE nodes (of ${nodes.join(', ')})`;
      if (foreign.size > 0) {
        return {
          name,
          valid: 'unknown',
          detail: `${counted} except from ${listSome([...foreign], 3)}, which no ${ARP_HA} mode event names`,
        };
      }
      return { name, valid: true, detail: counted };
    },
  };
}
