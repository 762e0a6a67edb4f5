// Who should hold a group's VIP: an eligible node beats an ineligible one, then higher
// priority wins, then the lower MAC (the patent's example rule). Pure.

export interface Candidate {
  node: string;
  priority: number;
  mac: string;
  eligible: boolean;
}

/** Negative when `a` outranks `b`. */
export const compareRank = (a: Candidate, b: Candidate): number =>
  (a.eligible === b.eligible ? 0 : a.eligible ? -1 : 1) ||
  b.priority - a.priority ||
  a.mac.localeCompare(b.mac) ||
  a.node.localeCompare(b.node);

export const best = (candidates: readonly Candidate[]): Candidate | undefined => [...candidates].sort(compareRank)[0];
