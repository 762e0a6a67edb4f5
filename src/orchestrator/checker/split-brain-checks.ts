// A split brain's heal, judged: it is over within a round trip of the first heartbeat that
// crosses again, and the loser is silent on ARP once the winner re-announces (a neighbour that
// asks in between keeps the first answer, and the loser may be the quicker).
import type { RunHistory } from '../history/history-types.js';
import { at, hasPackets, sightingText, vipSightings, type Sighting } from './arp-claims.js';
import type { Checker, CheckResult } from './checker.js';
import { splitBrainHeal, type SplitBrainHeal } from './split-brain-heal.js';

export interface SplitBrainOverSpec {
  vip: string;
  /** Allowed beyond one round trip (twice the first crossing's one-way time). */
  withinMs: number;
  /** Judge the last end of this fault (nemesis name or instance id); default the last fault to end. */
  afterFault?: string;
  name?: string;
}

export interface ArpLoserSilentSpec {
  vip: string;
  afterFault?: string;
  name?: string;
}

/**
 * The winner's first announcement after the heal; the ARP packets for the VIP from the losers
 * after it; how many answers (non-gratuitous replies) anyone gave after it.
 */
export function loserArpAfterReannounce(
  history: RunHistory,
  vip: string,
  heal: SplitBrainHeal,
  winnerMac: string,
): { announcement?: Sighting; spoken: Sighting[]; answers: number } {
  const sightings = vipSightings(history, vip).filter((s) => s.t > heal.healT);
  const announcement = sightings.find((s) => s.mac === winnerMac && s.gratuitous);
  if (!announcement) return { spoken: [], answers: 0 };
  const after = sightings.filter((s) => s.t >= announcement.t && s !== announcement);
  const losers = new Set(heal.losers.map((l) => l.mac));
  return {
    announcement,
    spoken: after.filter((s) => losers.has(s.mac)),
    answers: after.filter((s) => s.op === 'reply' && !s.gratuitous).length,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The heal, or the result saying why there is none to judge. */
const healOf = (history: RunHistory, vip: string, name: string, afterFault?: string): SplitBrainHeal | CheckResult => {
  const heal = splitBrainHeal(history, vip, afterFault);
  if (!heal) return { name, valid: 'unknown', detail: `no fault${afterFault ? ` ${afterFault}` : ''} ended in this history` };
  if (heal.active.length < 2) {
    const who = heal.active.map((a) => a.node).join(', ') || 'no node';
    return { name, valid: 'unknown', detail: `no split brain when ${heal.fault.id} healed: ${who} ACTIVE for ${vip}` };
  }
  return heal;
};

/**
 * The split brain is over (all but one of the nodes ACTIVE for the VIP at the heal have shut
 * their ARP gate: their arp-ha 'mode' events) at most one round trip plus withinMs after the
 * first heartbeat crossed between two of them (the receiver's 'path-up': heard − sent is the
 * one-way time, doubled for the round trip). Fails when it is later or never over; 'unknown'
 * when no fault ended, when there was no split brain at the heal, or no heartbeat crossed.
 */
export function splitBrainOver(spec: SplitBrainOverSpec): Checker {
  const name = spec.name ?? `split-brain-over[${spec.vip}]`;
  return {
    name,
    check(history: RunHistory): CheckResult {
      const heal = healOf(history, spec.vip, name, spec.afterFault);
      if (!('fault' in heal)) return heal;
      const nodes = heal.active.map((a) => a.node).join(' and ');
      const { crossing } = heal;
      if (!crossing)
        return { name, valid: 'unknown', detail: `${nodes} ACTIVE at the heal, but no heartbeat crossed between them after it` };
      const roundTrip = 2 * Math.max(0, crossing.oneWayMs ?? 0);
      const bound = roundTrip + spec.withinMs;
      const first = `first heartbeat ${crossing.from} → ${crossing.to} on ${crossing.path} at ${at(history, crossing.t)} (one way ${round(crossing.oneWayMs ?? NaN)} ms)`;
      if (heal.endT === undefined)
        return { name, valid: false, detail: `${nodes} ACTIVE at the heal and never one of them after; ${first}` };
      const took = heal.endT - crossing.t;
      const losers = heal.losers.map((l) => `${l.node} at ${at(history, l.t)}`).join(', ');
      const detail = `split brain over ${round(took)} ms after the ${first}: ${losers} stepped down, ${heal.winner?.node ?? '?'} stayed; bound ${round(roundTrip)} + ${spec.withinMs} ms`;
      return { name, valid: took <= bound, detail };
    },
  };
}

/**
 * No ARP packet with the VIP as sender from a loser of the split brain (a node ACTIVE at the
 * heal that stepped down) after the winner's first announcement after the heal, from the
 * capture. 'unknown' without packets, without a split brain at the heal or a winner, when the
 * winner announced nothing after the heal, or when nobody was answered for the VIP after that
 * announcement (nobody asked: the check could not have seen a loser's answer).
 */
export function arpLoserSilent(spec: ArpLoserSilentSpec): Checker {
  const name = spec.name ?? `arp-loser-silent[${spec.vip}]`;
  return {
    name,
    check(history: RunHistory): CheckResult {
      if (!hasPackets(history))
        return { name, valid: 'unknown', detail: 'no packets captured in this history (add the service LAN to capture.links)' };
      const heal = healOf(history, spec.vip, name, spec.afterFault);
      if (!('fault' in heal)) return heal;
      const { winner } = heal;
      if (!winner) return { name, valid: 'unknown', detail: `no single winner after ${heal.fault.id}'s split brain` };
      const { announcement, spoken, answers } = loserArpAfterReannounce(history, spec.vip, heal, winner.mac);
      if (!announcement)
        return {
          name,
          valid: 'unknown',
          detail: `${winner.node} (${winner.mac}) announced ${spec.vip} nowhere after ${heal.fault.id} healed`,
        };
      const losers = new Map(heal.losers.map((l) => [l.mac, l.node]));
      const since = `${winner.node}'s first announcement at ${at(history, announcement.t)}`;
      if (spoken.length > 0) {
        const s = spoken[0]!;
        return {
          name,
          valid: false,
          detail: `${spoken.length} ARP packets for ${spec.vip} from the loser after ${since}; first ${losers.get(s.mac)} ${sightingText(history, s)}`,
        };
      }
      if (answers === 0) return { name, valid: 'unknown', detail: `nobody was answered for ${spec.vip} after ${since}` };
      return {
        name,
        valid: true,
        detail: `${answers} answers for ${spec.vip} after ${since}, none from ${[...losers.values()].join(', ')}`,
      };
    },
  };
}
