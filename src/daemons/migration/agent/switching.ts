// The main server's agent between S702 and S706, and its resume and rollback: freeze (S703),
// checkpoint and hand over the process and its sockets to the backup over the migration
// network, restore there (S704), move or copy the VIP (S705). The VIP is added at the backup
// *before* the restore, since the restored sockets are bound to it (harmless: the backup's
// VLAN holds no user yet), and removed here after the dump. Each action is logged first, so a
// rollback undoes exactly what was done (handover-log.ts).
import type { Clock } from '../../../common/clock.js';
import type { EmitEvent } from '../../shared/event-log.js';
import type { ProcessRef, SubStep, SwitchEnd, SwitchStart } from '../protocol.js';
import type { LocalOps, PeerCalls } from './agent-ops.js';
import { HandoverLog, type Undo } from './handover-log.js';

export interface SwitchingDeps {
  local: LocalOps;
  peer: PeerCalls;
  clock: Clock;
  emit: EmitEvent;
  /** Bound on each call to the peer. */
  peerTimeoutMs: number;
}

export class Switching {
  private log: HandoverLog | undefined;
  private processes: ProcessRef[] = [];

  constructor(private readonly deps: SwitchingDeps) {}

  current(): HandoverLog | undefined {
    return this.log;
  }

  async start(req: SwitchStart): Promise<SwitchEnd> {
    if (this.log && this.log.phase !== 'resumed' && this.log.phase !== 'rolled-back')
      throw new Error(`migration '${this.log.migration}' is still ${this.log.phase}; roll it back or finish it first`);
    const { local, peer, clock, peerTimeoutMs } = this.deps;
    const log = (this.log = new HandoverLog(req.migration));
    const steps: SubStep[] = [];
    const timed = async (step: SubStep['step'], f: () => Promise<Record<string, unknown> | void>) => {
      const startMs = clock.nowMs();
      const detail = (await f()) ?? undefined;
      steps.push({ step, startMs, endMs: clock.nowMs(), ...(detail ? { detail } : {}) });
      this.deps.emit('step', { migration: req.migration, step, ms: clock.nowMs() - startMs, ...detail });
    };
    const pid = await local.findPid(req.process);
    const copy = req.vipMode === 'copy';
    if (req.pause)
      await timed('S703', async () => {
        await local.signal(pid, 'STOP');
        log.add({ kind: 'frozen', pid });
        return { pid };
      });
    let backupPid = pid;
    await timed('S704', async () => {
      const dir = local.imagesDir(req.migration);
      const t0 = clock.monotonicMs();
      await local.dump(pid, dir, copy);
      log.add({ kind: 'dumped', pid, dir, leftRunning: copy });
      const dumpMs = clock.monotonicMs() - t0;
      const to = await peer.receive(req.migration, peerTimeoutMs);
      await local.sendImages(dir, to);
      log.add({ kind: 'sent', dir });
      const copyMs = clock.monotonicMs() - t0 - dumpMs;
      if (req.vipMode !== 'none') log.add({ kind: 'backup-vip-added' });
      log.add({ kind: 'backup-restore-started', pid });
      const restored = await peer.restore(req.migration, req.vipMode === 'none' ? undefined : req.vip, peerTimeoutMs);
      backupPid = restored.pid;
      return {
        pid,
        dumpMs: Math.round(dumpMs),
        copyMs: Math.round(copyMs),
        restoreMs: restored.restoreMs,
        bytes: await local.bytesIn(dir),
      };
    });
    if (req.vipMode !== 'none')
      await timed('S705', async () => {
        if (!copy) {
          await local.vip('del', req.vip);
          log.add({ kind: 'main-vip-removed' });
        }
        return { vip: req.vip, mode: req.vipMode, addedAtBackupBeforeRestore: true };
      });
    log.phase = req.pause ? 'frozen' : 'migrated';
    this.processes = [{ server: req.backupRealIp, pid: backupPid }, ...(copy ? [{ server: req.mainRealIp, pid }] : [])];
    return { migration: req.migration, steps, processes: copy ? [...this.processes].reverse() : this.processes };
  }

  /** S710: unfreeze every copy named (the backup's through its agent, ours here). */
  async resume(migration: string, processes: readonly ProcessRef[], mainRealIp: string): Promise<(ProcessRef & { atMs: number })[]> {
    const log = this.expect(migration);
    const out: (ProcessRef & { atMs: number })[] = [];
    const remote = processes.filter((p) => p.server !== mainRealIp);
    if (remote.length > 0)
      await this.deps.peer.thaw(
        migration,
        remote.map((p) => p.pid),
        this.deps.peerTimeoutMs,
      );
    for (const p of remote) out.push({ ...p, atMs: this.deps.clock.nowMs() });
    for (const p of processes.filter((x) => x.server === mainRealIp)) {
      await this.deps.local.signal(p.pid, 'CONT');
      out.push({ ...p, atMs: this.deps.clock.nowMs() });
    }
    log.phase = 'resumed';
    return out;
  }

  /** Undoes everything logged for `migration`, newest first; the service answers here only after. */
  async rollback(migration: string, vip: string): Promise<string[]> {
    const log = this.expect(migration);
    const undone: string[] = [];
    const { local, peer, peerTimeoutMs } = this.deps;
    const steps: Undo[] = log.undo();
    const discard = steps.find((u): u is Extract<Undo, { kind: 'discard-backup-copy' }> => u.kind === 'discard-backup-copy');
    const dropVip = steps.some((u) => u.kind === 'remove-backup-vip');
    if (discard || dropVip) {
      await peer.discard(migration, discard?.pid, dropVip ? vip : undefined, peerTimeoutMs);
      undone.push('backup copy discarded');
    }
    for (const u of steps) {
      if (u.kind === 'add-main-vip') await local.vip('add', vip);
      else if (u.kind === 'restore-main') await local.restore(u.dir);
      else if (u.kind === 'thaw-main') await local.signal(u.pid, 'CONT');
      else continue;
      undone.push(u.kind);
    }
    log.phase = 'rolled-back';
    this.deps.emit('rolled-back', { migration, undone });
    return undone;
  }

  private expect(migration: string): HandoverLog {
    if (!this.log || this.log.migration !== migration)
      throw new Error(`no migration '${migration}' here (current: ${this.log?.migration ?? 'none'})`);
    return this.log;
  }
}
