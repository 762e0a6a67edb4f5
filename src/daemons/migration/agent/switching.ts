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
  /**
   * With the service frozen, wait up to this long for its connections' send queues to be
   * acknowledged before the dump (0: dump at once). A restored socket counts what its queue
   * still holds as sent and resends it only after a first retransmission timeout of 1 s (no RTT
   * sample yet); an empty queue leaves it nothing to resend, and the thawed service's next write
   * goes out at once.
   */
  drainMs: number;
  sleep: (ms: number) => Promise<void>;
  /**
   * The agent's network lock on the VIP (drop what arrives but SYNs, drop resets sent), when
   * CRIU's own is skipped (agent-config.ts `criu.networkLock`); absent, CRIU locks.
   */
  holdVip?: (vip: string, on: boolean) => Promise<void>;
}

/** How often a drain looks at the queues: /proc/net/tcp is cheap, the wait short. */
export const DRAIN_POLL_MS = 5;

/** How long a rollback waits for the dumped process to exit before restoring it (a 35 MB node exits in milliseconds). */
export const EXIT_WAIT_MS = 5000;

export class Switching {
  private log: HandoverLog | undefined;
  private processes: ProcessRef[] = [];
  private vip = '';

  constructor(private readonly deps: SwitchingDeps) {}

  current(): HandoverLog | undefined {
    return this.log;
  }

  async start(req: SwitchStart): Promise<SwitchEnd> {
    if (this.log && this.log.phase !== 'resumed' && this.log.phase !== 'rolled-back')
      throw new Error(`migration '${this.log.migration}' is still ${this.log.phase}; roll it back or finish it first`);
    const { local, peer, clock, peerTimeoutMs } = this.deps;
    const log = (this.log = new HandoverLog(req.migration));
    this.vip = req.vip;
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
      const atFreeze = await local.queuedBytes(req.vip);
      const drainStart = clock.monotonicMs();
      // What the dump must carry besides memory: the bench's "queued bytes" (docs/migration.md).
      let queued = atFreeze;
      // A running service refills its queues: only a frozen one can drain.
      while (req.pause && queued.send > 0 && clock.monotonicMs() - drainStart < this.deps.drainMs) {
        await this.deps.sleep(DRAIN_POLL_MS);
        queued = await local.queuedBytes(req.vip);
      }
      const drainMs = clock.monotonicMs() - drainStart;
      // After the drain, whose acknowledgements must still arrive: from here until the VIP has
      // left, a segment for a connection the dump has closed would be answered with a reset.
      const { holdVip } = this.deps;
      if (holdVip) {
        log.add({ kind: 'main-held' });
        await holdVip(req.vip, true);
      }
      const t0 = clock.monotonicMs();
      await local.dump(pid, dir, copy);
      log.add({ kind: 'dumped', pid, dir, leftRunning: copy });
      // A copy left running keeps its connections here.
      if (holdVip && copy) await this.release(log);
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
        leftRunning: copy,
        dumpMs: Math.round(dumpMs),
        copyMs: Math.round(copyMs),
        restoreMs: restored.restoreMs,
        bytes: await local.bytesIn(dir),
        drainMs: Math.round(drainMs),
        queuedAtFreeze: atFreeze,
        queued,
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

  /** Lifts the agent's network lock on the VIP, if it holds it. */
  private async release(log: HandoverLog): Promise<void> {
    if (!this.deps.holdVip || !log.has('main-held') || log.has('released')) return;
    await this.deps.holdVip(this.vip, false);
    log.add({ kind: 'released' });
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
    // The VIP has left (S705): nothing arrives here for the moved connections any more.
    await this.release(log);
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
    // A restored service is a new process (its pid namespace's init): the thaw is for that one.
    let restoredPid: number | undefined;
    for (const u of steps) {
      if (u.kind === 'add-main-vip') await local.vip('add', vip);
      else if (u.kind === 'restore-main') {
        // CRIU's dump kills the process without waiting for it: until it has exited, its
        // connections' 4-tuples are taken here, and the restore cannot reconnect them.
        await local.exited(u.pid, EXIT_WAIT_MS);
        restoredPid = await local.restore(u.dir);
      } else if (u.kind === 'release-main') await this.release(log);
      else if (u.kind === 'thaw-main') await local.signal(restoredPid ?? u.pid, 'CONT');
      else continue;
      undone.push(u.kind);
    }
    log.phase = 'rolled-back';
    this.deps.emit('rolled-back', { migration, undone, ...(restoredPid !== undefined ? { pid: restoredPid } : {}) });
    return undone;
  }

  private expect(migration: string): HandoverLog {
    if (!this.log || this.log.migration !== migration)
      throw new Error(`no migration '${migration}' here (current: ${this.log?.migration ?? 'none'})`);
    return this.log;
  }
}
