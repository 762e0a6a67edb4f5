// The probe server's fast path (no CRIU): the main agent freezes the probe server (S703),
// borrows its connections' sockets (pidfd_getfd) and reads them with TCP_REPAIR, leaving them
// in repair mode so they can close without FIN or RST, and hands each connection's checkpoint
// (the probe's own: first sequence number, options, stream layout) and kernel state to the
// backup agent (S704). At resume (S710) the backup's probe server rebuilds them with TCP_REPAIR
// and sends on from the oldest byte the client had not acknowledged (the client's TCP drops what
// it already has): rebuilding only then, after the VLAN switch, means its first segments reach
// the client instead of waiting out a 1 s RTO. Until then a hold rule drops what arrives for
// the port, so no kernel answers the client with a reset. In no-pause mode it rebuilds at once.
// A copy (embodiment 3's load migration) keeps the VIP here as well and, at resume, gives the
// main server its sockets back and thaws it beside the rebuilt backup: both copies serve on.
import type { Clock } from '../../../common/clock.js';
import { borrowTcpSockets, type BorrowedTcp } from '../../../kernel/pidfd.js';
import { libc } from '../../../kernel/libc.js';
import { captureTcp, releaseTcp } from '../../../kernel/tcp-repair.js';
import type { EmitEvent } from '../../shared/event-log.js';
import type { ProbeState, ProcessRef, SubStep, SwitchEnd, SwitchStart } from '../protocol.js';
import type { Handover, LocalOps } from './agent-ops.js';
import type { HoldMode } from './probe-control.js';
import { HandoverLog } from './handover-log.js';
import { stopwatch } from '../../shared/step-stopwatch.js';

export interface ProbePeerCalls {
  state(body: ProbeState, timeoutMs: number): Promise<{ pid: number; rebuilt: number; ms: number }>;
  rebuild(migration: string, timeoutMs: number): Promise<{ pid: number; rebuilt: number; ms: number }>;
  drop(migration: string, vip: string | undefined, timeoutMs: number): Promise<void>;
}

export interface ProbeSwitchingDeps {
  local: Pick<LocalOps, 'findPid' | 'signal' | 'vip' | 'queuedBytes'>;
  peer: ProbePeerCalls;
  clock: Clock;
  emit: EmitEvent;
  peerTimeoutMs: number;
  /** The probe server's control port on this node, and its service port. */
  control: string;
  port: number;
  probe: (control: string, request: object, timeoutMs: number) => Promise<Record<string, unknown>>;
  hold: (vip: string, port: number, mode: HoldMode) => Promise<void>;
}

export class ProbeSwitching implements Handover {
  private log: HandoverLog | undefined;
  private borrowed: BorrowedTcp[] = [];
  private pid = 0;
  private vip = '';
  /** Embodiment 3: the service runs on at both sites, so the main server's copy resumes too. */
  private copy = false;

  constructor(private readonly deps: ProbeSwitchingDeps) {}

  current(): HandoverLog | undefined {
    return this.log;
  }

  async start(req: SwitchStart): Promise<SwitchEnd> {
    if (this.log && this.log.phase !== 'resumed' && this.log.phase !== 'rolled-back')
      throw new Error(`migration '${this.log.migration}' is still ${this.log.phase}; roll it back or finish it first`);
    const { local, peer, clock, peerTimeoutMs } = this.deps;
    const log = (this.log = new HandoverLog(req.migration));
    this.vip = req.vip;
    this.copy = req.vipMode === 'copy';
    const steps: SubStep[] = [];
    const mark = (step: SubStep['step'], startMs: number, detail: Record<string, unknown>) => {
      steps.push({ step, startMs, endMs: clock.nowMs(), detail });
      this.deps.emit('step', { migration: req.migration, step, ms: clock.nowMs() - startMs, ...detail });
    };
    const pid = (this.pid = await local.findPid(req.process));
    // Read before the freeze: the checkpoints come from the probe server itself.
    const reply = await this.deps.probe(this.deps.control, { op: 'checkpoints', since: -1 }, peerTimeoutMs);
    const checkpoints = new Map(((reply.conns ?? []) as { client: string }[]).map((c) => [c.client, c]));
    let t = clock.nowMs();
    // The probe path always stops the server: its sockets must not change while they are read.
    await local.signal(pid, 'STOP');
    log.add({ kind: 'frozen', pid });
    if (req.pause) mark('S703', t, { pid });
    t = clock.nowMs();
    // Where S704's time goes: the hold rule, reading the sockets, the backup's answer.
    const lap = stopwatch(clock);
    await this.deps.hold(req.vip, this.deps.port, 'all');
    lap('hold');
    // The hand-over carries none of it (the backup sends on from the oldest unacknowledged byte),
    // but the bench sets it beside CRIU's.
    const queued = await local.queuedBytes(req.vip);
    this.borrowed = await borrowTcpSockets(pid, this.deps.port);
    const items = this.borrowed.map((b) => {
      const c = captureTcp(b.fd);
      const client = `${b.remote.ip}:${b.remote.port}`;
      const checkpoint = checkpoints.get(client);
      if (!checkpoint) throw new Error(`connection from ${client} has no checkpoint (is the probe server in takeover mode?)`);
      return {
        checkpoint: checkpoint,
        answer: {
          seq: c.rcvNxt,
          ack: c.sndUna,
          window: Math.floor(c.sndWnd / 2 ** c.sndWscale),
          ...(c.tsVal !== undefined ? { tsEcr: c.tsVal } : {}),
          // What the client may acknowledge after this read: srvB must have sent it too.
          inFlight: (c.sndNxt - c.sndUna) >>> 0,
        },
      };
    });
    log.add({ kind: 'backup-vip-added' });
    log.add({ kind: 'backup-restore-started', pid });
    lap('read');
    const backup = await peer.state(
      {
        migration: req.migration,
        ...(req.vipMode === 'none' ? {} : { vip: req.vip }),
        port: this.deps.port,
        items,
        rebuildNow: !req.pause,
      },
      peerTimeoutMs,
    );
    lap('backup');
    mark('S704', t, { connections: items.length, rebuiltNow: backup.rebuilt, partsMs: lap.laps, queued });
    if (req.vipMode !== 'none') {
      t = clock.nowMs();
      // A copy leaves the VIP here too: each site's router reaches its own server (S1207).
      if (!this.copy) {
        await local.vip('del', req.vip);
        log.add({ kind: 'main-vip-removed' });
      }
      mark('S705', t, { vip: req.vip, mode: req.vipMode, addedAtBackupBeforeRestore: true });
    }
    if (!req.pause) await this.endMain();
    log.phase = req.pause ? 'frozen' : 'migrated';
    const backupCopy = { server: req.backupRealIp, pid: backup.pid };
    // S1214's pairs, the main server's first: (a2, pid), (b2, pid).
    return { migration: req.migration, steps, processes: this.copy ? [{ server: req.mainRealIp, pid }, backupCopy] : [backupCopy] };
  }

  async resume(migration: string, processes: readonly ProcessRef[]): Promise<(ProcessRef & { atMs: number })[]> {
    const log = this.expect(migration);
    const frozen = log.phase === 'frozen';
    // A copy: both at once (S1215), the backup rebuilding while the main server takes its sockets
    // back. A move retires the main server only once the backup has rebuilt: until then a failed
    // rebuild can still roll back to it.
    const [r] = await Promise.all([
      this.deps.peer.rebuild(migration, this.deps.peerTimeoutMs),
      frozen && this.copy ? this.resumeMain() : undefined,
    ]);
    this.deps.emit('rebuilt', { migration, connections: r.rebuilt, ms: r.ms });
    if (frozen && !this.copy) this.retireMain();
    log.phase = 'resumed';
    return processes.map((p) => ({ ...p, atMs: this.deps.clock.nowMs() }));
  }

  async rollback(migration: string, vip: string): Promise<string[]> {
    const log = this.expect(migration);
    const undone: string[] = [];
    if (log.has('backup-restore-started') || log.has('backup-vip-added')) {
      // A backup that does not answer (it crashed) never rebuilt anything: only its agent can
      // ask its probe server to, so going back here is safe without it.
      undone.push(
        await this.deps.peer.drop(migration, vip, this.deps.peerTimeoutMs).then(
          () => 'backup state dropped',
          (e: unknown) => `backup unreachable (${(e as Error).message}): nothing rebuilt there`,
        ),
      );
    }
    if (log.has('main-vip-removed')) {
      await this.deps.local.vip('add', vip);
      undone.push('add-main-vip');
    }
    await this.giveBackSockets(vip);
    if (log.has('frozen')) {
      await this.deps.local.signal(this.pid, 'CONT');
      undone.push('thaw-main');
    }
    log.phase = 'rolled-back';
    this.deps.emit('rolled-back', { migration, undone });
    return undone;
  }

  /** The main server's copy: retired after a move, resumed after a copy. */
  private endMain(): Promise<void> {
    if (!this.copy) {
      this.retireMain();
      return Promise.resolve();
    }
    return this.resumeMain();
  }

  /**
   * Embodiment 3: the main server's copy serves on. Its sockets leave repair mode (no window
   * probe), the hold goes and it is thawed; the connections of users who moved are orphans here,
   * their segments going to a site-A VLAN those users have left.
   */
  private async resumeMain(): Promise<void> {
    const connections = await this.giveBackSockets(this.vip);
    await this.deps.local.signal(this.pid, 'CONT');
    this.deps.emit('main-resumed', { pid: this.pid, vip: this.vip, connections });
  }

  /** The main server's sockets leave repair mode (no window probe) and the hold goes: it may serve them again once thawed. */
  private async giveBackSockets(vip: string): Promise<number> {
    const n = this.borrowed.length;
    for (const b of this.borrowed) {
      releaseTcp(b.fd);
      libc().close(b.fd);
    }
    this.borrowed = [];
    await this.deps.hold(vip, this.deps.port, 'off');
    return n;
  }

  /** The main server's copy goes: killed while frozen, its sockets (still in repair mode) close without a FIN or a RST. */
  private retireMain(): void {
    process.kill(this.pid, 'SIGKILL');
    for (const b of this.borrowed) libc().close(b.fd);
    this.borrowed = [];
    this.deps.emit('main-retired', { pid: this.pid, vip: this.vip });
  }

  private expect(migration: string): HandoverLog {
    if (!this.log || this.log.migration !== migration)
      throw new Error(`no migration '${migration}' here (current: ${this.log?.migration ?? 'none'})`);
    return this.log;
  }
}
