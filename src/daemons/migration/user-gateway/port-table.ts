// The user gateway's table (the connection control means, 4 / 205): which switch port each user
// is on and that port's VLAN. Pure: it turns an S707 request into port moves, refusing the
// whole request (nothing moved) when it names a user the gateway does not serve, or when it
// comes late for a migration that was rolled back here (the fence).
import type { NetworkSwitch } from '../protocol.js';

export interface UserPort {
  name: string;
  /** The user's access port on this gateway's switch. */
  port: string;
  vlan: number;
}

export interface PortMove {
  user: string;
  port: string;
  from: number;
  to: number;
}

export class UnknownUserError extends Error {}
export class FencedMigrationError extends Error {}

/** Rolled-back migrations remembered, the oldest forgotten first: a late request comes right after its rollback, not hundreds of migrations later. */
export const FENCE_MEMORY = 256;

export class PortTable {
  private readonly users = new Map<string, UserPort>();
  /** Rolled-back migration → when (ms), oldest first. */
  private readonly fenced = new Map<string, number>();

  constructor(users: readonly UserPort[]) {
    for (const u of users) {
      if (this.users.has(u.name)) throw new Error(`user '${u.name}' is listed twice`);
      if ([...this.users.values()].some((x) => x.port === u.port)) throw new Error(`port ${u.port} is given to two users`);
      this.users.set(u.name, { ...u });
    }
  }

  /** The moves an S707 asks for; a user already on the requested VLAN needs none (a retried or rollback request). */
  plan(request: NetworkSwitch): PortMove[] {
    const fencedAt = this.fenced.get(request.migration);
    if (fencedAt !== undefined && request.rollback !== true)
      throw new FencedMigrationError(
        `migration ${request.migration} was rolled back at this gateway (at ${fencedAt}); this request of it came late and is refused`,
      );
    const unknown = request.users.filter((u) => !this.users.has(u.name)).map((u) => u.name);
    if (unknown.length > 0)
      throw new UnknownUserError(
        `no user ${unknown.map((n) => `'${n}'`).join(', ')} at this gateway (it serves ${[...this.users.keys()].join(', ')})`,
      );
    return request.users
      .map((u) => {
        const entry = this.users.get(u.name)!;
        return { user: u.name, port: entry.port, from: entry.vlan, to: u.vlan };
      })
      .filter((m) => m.from !== m.to);
  }

  /** A rollback of this migration reached the gateway: from now on only rollbacks of it pass. False: it already was. */
  fence(migration: string, atMs: number): boolean {
    if (this.fenced.has(migration)) return false;
    this.fenced.set(migration, atMs);
    if (this.fenced.size > FENCE_MEMORY) this.fenced.delete(this.fenced.keys().next().value as string);
    return true;
  }

  /** Records a move the switch has made. */
  moved(m: PortMove): void {
    const entry = this.users.get(m.user);
    if (entry) entry.vlan = m.to;
  }

  /** The port of a user, for the gratuitous ARP sent out of it. */
  portOf(user: string): string | undefined {
    return this.users.get(user)?.port;
  }

  rows(): UserPort[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }
}
