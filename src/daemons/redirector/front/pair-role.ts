// Pure: which role this front end has, from two sources that may disagree for a moment.
// arp-ha's notices (its group's `notify`) come the instant a mode changes; a slow poll of its
// status API is only the safety net for a notice that was lost (the redirector not listening
// yet, a full socket). A poll answer can be older than a notice that came while it was in
// flight, and two notices can arrive out of order: the newer word always wins.
import type { ModeNotice } from '../../shared/mode-notice.js';

export type PairRole = 'active' | 'standby';

export interface ArpHaStatus {
  groups: readonly { name: string; mode: string }[];
}

/** The role a mode of arp-ha gives this node (only ACTIVE acts: anything else never acts twice). */
export const roleOfMode = (mode: string): PairRole => (mode === 'ACTIVE' ? 'active' : 'standby');

/** The role arp-ha's status gives this node for `group` (undefined: arp-ha does not know the group). */
export const roleOf = (status: ArpHaStatus, group: string): PairRole | undefined => {
  const g = status.groups.find((x) => x.name === group);
  return g === undefined ? undefined : roleOfMode(g.mode);
};

export class RoleFeed {
  /** Notices taken so far: a poll started before the latest one answers about an older state. */
  private notices = 0;
  private last: { instance: string; seq: number } | undefined;

  constructor(private readonly group: string) {}

  /** Call as a poll is sent; hand the result to `fromPoll`. */
  pollStarted(): number {
    return this.notices;
  }

  /** The poll's role, or undefined when a notice came meanwhile (the notice is newer). */
  fromPoll(startedAt: number, status: ArpHaStatus): PairRole | undefined {
    if (startedAt !== this.notices) return undefined;
    const role = roleOf(status, this.group);
    if (role === undefined) throw new Error(`arp-ha has no group '${this.group}'; pair.arpHa.group names one of its groups`);
    return role;
  }

  /**
   * The notice's role, or undefined when it is older than one already taken from the same run
   * of arp-ha. A notice from another run (arp-ha restarted) is taken: its numbers start again.
   * Throws when the notice is about another group (a misdirected `notify`).
   */
  fromNotice(n: ModeNotice): PairRole | undefined {
    if (n.group !== this.group)
      throw new Error(`notice about group '${n.group}', but this front end follows '${this.group}' (pair.arpHa.group)`);
    if (this.last && this.last.instance === n.instance && n.seq <= this.last.seq) return undefined;
    this.last = { instance: n.instance, seq: n.seq };
    this.notices++;
    return roleOfMode(n.to);
  }
}
