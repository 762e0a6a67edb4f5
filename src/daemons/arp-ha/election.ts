// Who should hold a group's VIP: an eligible node beats an ineligible one, then higher
// priority wins, then the lower MAC (the patent's example rule). Pure.
import { compareText } from '../../common/compare-text.js';

export interface Candidate {
  node: string;
  priority: number;
  mac: string;
  eligible: boolean;
}

/** Negative when `a` outranks `b`. MACs compare as written in any case ("02:AB…" = "02:ab…"). */
export const compareRank = (a: Candidate, b: Candidate): number =>
  (a.eligible === b.eligible ? 0 : a.eligible ? -1 : 1) ||
  b.priority - a.priority ||
  compareText(a.mac.toLowerCase(), b.mac.toLowerCase()) ||
  compareText(a.node, b.node);

export const best = (candidates: readonly Candidate[]): Candidate | undefined => [...candidates].sort(compareRank)[0];
