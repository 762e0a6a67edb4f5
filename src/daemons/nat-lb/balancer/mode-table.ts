// Pure: the processing mode table (7a/7b) and what each migration step does to it. Every step
// is idempotent (a repeated request changes nothing and succeeds); a step that makes no sense
// in the VIP's current state is a conflict, so a confused controller learns it at once
// instead of, say, forwarding a VIP whose rows have not arrived.
import type { NatMode } from '../protocol.js';
import type { Membership } from './nat-rules.js';

export interface ModeEntry {
  mode: NatMode;
  /** The VIP and its inside address are configured here (after take, before release). */
  addressUp: boolean;
}

export type StepResult =
  { ok: true; changed: boolean; before: ModeEntry | undefined; after: ModeEntry | undefined } | { ok: false; problem: string };

export class ModeTable {
  private readonly entries = new Map<string, ModeEntry>();

  constructor(owned: readonly string[] = []) {
    for (const vip of owned) this.entries.set(vip, { mode: 'normal', addressUp: true });
  }

  get(vip: string): ModeEntry | undefined {
    const e = this.entries.get(vip);
    return e ? { ...e } : undefined;
  }

  list(): [string, ModeEntry][] {
    return [...this.entries].map(([vip, e]) => [vip, { ...e }]);
  }

  private set(vip: string, after: ModeEntry | undefined): StepResult {
    const before = this.get(vip);
    if (after) this.entries.set(vip, after);
    else this.entries.delete(vip);
    const changed = JSON.stringify(before) !== JSON.stringify(after);
    return { ok: true, changed, before, after: after ? { ...after } : undefined };
  }

  /** Step 1 (target): hold the VIP's packets. */
  begin(vip: string): StepResult {
    const e = this.entries.get(vip);
    if (e?.mode === 'normal')
      return { ok: false, problem: `VIP ${vip} is already in normal mode here; the target of a move must not serve it yet` };
    return this.set(vip, e ?? { mode: 'migration', addressUp: false });
  }

  /** Step 2 (target): configure the addresses. */
  take(vip: string): StepResult {
    const e = this.entries.get(vip);
    if (!e)
      return {
        ok: false,
        problem: `VIP ${vip} is not in the mode table here; begin the migration first so that its packets are held, not refused`,
      };
    return this.set(vip, { ...e, addressUp: true });
  }

  /** Step 2 (source): unconfigure the addresses; rows keep translating until deleted. */
  release(vip: string): StepResult {
    const e = this.entries.get(vip);
    return this.set(vip, e ? { ...e, addressUp: false } : undefined);
  }

  /** Step 4 (target): back to normal; the caller releases what was held. */
  finish(vip: string): StepResult {
    const e = this.entries.get(vip);
    if (!e) return { ok: false, problem: `VIP ${vip} is not in the mode table here; nothing to finish` };
    return this.set(vip, { ...e, mode: 'normal' });
  }

  /** Step 4 (source): the VIP leaves the table. */
  forget(vip: string): StepResult {
    return this.set(vip, undefined);
  }

  /** Rollback (target): forget a VIP still in migration; the caller drops what was held. */
  abort(vip: string): StepResult {
    const e = this.entries.get(vip);
    if (e?.mode === 'normal') return { ok: false, problem: `VIP ${vip} is in normal mode here; a finished migration cannot be aborted` };
    return this.set(vip, undefined);
  }
}

/** Which nftables sets the VIP belongs to in this state. */
export const membershipOf = (e: ModeEntry | undefined): Membership => ({
  known: e !== undefined,
  serving: e?.mode === 'normal' && e.addressUp,
  holding: e?.mode === 'migration',
});
