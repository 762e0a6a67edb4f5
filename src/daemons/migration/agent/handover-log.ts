// What the main server's agent has done for one migration, in order, and what undoing it takes
// (pure). The agent appends an entry after each action succeeds *and* before an action whose
// effect may land even if its call fails (a restore at the backup that timed out may still have
// started the copy): rollback undoes every entry, newest first, so the service ends up at the
// main server only, the state it was in before S702.

export type Done =
  | { kind: 'frozen'; pid: number }
  /** The agent's own network lock on the VIP (CRIU's is skipped): nothing arriving is answered, no reset leaves. */
  | { kind: 'main-held' }
  | { kind: 'released' }
  | { kind: 'dumped'; pid: number; dir: string; leftRunning: boolean }
  | { kind: 'sent'; dir: string }
  | { kind: 'backup-vip-added' }
  | { kind: 'backup-restore-started'; pid: number }
  | { kind: 'main-vip-removed' };

export type Undo =
  | { kind: 'discard-backup-copy'; pid: number }
  | { kind: 'remove-backup-vip' }
  | { kind: 'add-main-vip' }
  | { kind: 'restore-main'; dir: string; pid: number }
  | { kind: 'release-main' }
  | { kind: 'thaw-main'; pid: number };

export type Phase = 'idle' | 'frozen' | 'migrated' | 'resumed' | 'rolled-back';

export class HandoverLog {
  private readonly entries: Done[] = [];
  phase: Phase = 'idle';

  constructor(readonly migration: string) {}

  add(entry: Done): void {
    this.entries.push(entry);
  }

  has(kind: Done['kind']): boolean {
    return this.entries.some((e) => e.kind === kind);
  }

  /**
   * Newest first. A dump that killed the process is undone by restoring it from the images
   * (then thawed if it had been frozen: CRIU restores a stopped task stopped); a dump that left
   * it running needs only the thaw.
   */
  undo(): Undo[] {
    const out: Undo[] = [];
    const frozen = this.entries.find((e): e is Extract<Done, { kind: 'frozen' }> => e.kind === 'frozen');
    for (const e of [...this.entries].reverse()) {
      if (e.kind === 'backup-restore-started') out.push({ kind: 'discard-backup-copy', pid: e.pid });
      else if (e.kind === 'backup-vip-added') out.push({ kind: 'remove-backup-vip' });
      else if (e.kind === 'main-vip-removed') out.push({ kind: 'add-main-vip' });
      else if (e.kind === 'dumped' && !e.leftRunning) out.push({ kind: 'restore-main', dir: e.dir, pid: e.pid });
      else if (e.kind === 'main-held' && !this.has('released')) out.push({ kind: 'release-main' });
    }
    if (frozen) out.push({ kind: 'thaw-main', pid: frozen.pid });
    return out;
  }

  done(): Done[] {
    return [...this.entries];
  }
}
