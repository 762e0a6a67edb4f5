// Pure: embodiment 3's count of the users served at this site [0089]. The agent looks at the
// service's established connections; a named user is present while it holds at least one. What
// changed since the coordinator last heard is reported (POST /user), and only a report the
// coordinator took counts as heard, so a failed one is sent again at the next look.
import { splitHostPort } from '../../../common/host-port.js';

export interface UserChange {
  user: string;
  action: 'connect' | 'disconnect';
}

/** The first two users given one address, and that address; undefined when every address is a user's own. */
export const sharedAddress = (users: Readonly<Record<string, string>>): { first: string; second: string; address: string } | undefined => {
  const seen = new Map<string, string>();
  for (const [user, address] of Object.entries(users)) {
    const first = seen.get(address);
    if (first !== undefined) return { first, second: user, address };
    seen.set(address, user);
  }
  return undefined;
};

export class UserCensus {
  private readonly byAddress: ReadonlyMap<string, string>;
  private readonly heard = new Set<string>();

  /** `users`: user name → its address. */
  constructor(users: Readonly<Record<string, string>>) {
    const shared = sharedAddress(users);
    if (shared) throw new RangeError(`users ${shared.first} and ${shared.second} share the address ${shared.address}`);
    this.byAddress = new Map(Object.entries(users).map(([user, address]) => [address, user]));
  }

  /** `peers`: the service's established connections' far ends, "ip:port"; unnamed addresses are not users. */
  changes(peers: readonly string[]): UserChange[] {
    const present = new Set(peers.flatMap((p) => this.byAddress.get(splitHostPort(p).host) ?? []));
    const out: UserChange[] = [];
    for (const user of [...present].sort()) if (!this.heard.has(user)) out.push({ user, action: 'connect' });
    for (const user of [...this.heard].sort()) if (!present.has(user)) out.push({ user, action: 'disconnect' });
    return out;
  }

  /** The coordinator took this change. */
  reported(change: UserChange): void {
    if (change.action === 'connect') this.heard.add(change.user);
    else this.heard.delete(change.user);
  }

  present(): string[] {
    return [...this.heard].sort();
  }
}
