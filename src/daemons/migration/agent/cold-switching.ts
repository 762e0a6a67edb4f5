// The cold-migration baseline (method: cold): what an engineer does without a state hand-over
// — stop the service at the source, copy, start it at the target, move the users — driven in
// the same order and with the same messages as the other paths, so the two compare step for
// step. Nothing of the running process crosses: its connections end at the stop (FIN, as
// `systemctl stop` would) and the clients reconnect to the target once the VIP and their VLAN
// are there. The target's copy of the service is installed and listening (it binds the VIP
// before it holds it); gaining the VIP is its start. There is no pause mode (nothing to freeze
// and nothing to resume: S709 would have no process to unfreeze) and no way back once stopped.
import type { Clock } from '../../../common/clock.js';
import type { EmitEvent } from '../../shared/event-log.js';
import type { ProcessRef, SubStep, SwitchEnd, SwitchStart } from '../protocol.js';
import type { Handover, LocalOps } from './agent-ops.js';
import { HandoverLog } from './handover-log.js';

export interface ColdPeerCalls {
  /** The target's agent adds the VIP once it finds the service there (its pid), or removes it. */
  vip(migration: string, action: 'add' | 'del', vip: string, timeoutMs: number, process?: { match: string }): Promise<{ pid?: number }>;
}

export interface ColdSwitchingDeps {
  local: Pick<LocalOps, 'findPid' | 'signal' | 'vip'>;
  peer: ColdPeerCalls;
  clock: Clock;
  emit: EmitEvent;
  peerTimeoutMs: number;
}

export class ColdRollbackError extends Error {}

export class ColdSwitching implements Handover {
  private log: HandoverLog | undefined;

  constructor(private readonly deps: ColdSwitchingDeps) {}

  current(): HandoverLog | undefined {
    return this.log;
  }

  async start(req: SwitchStart): Promise<SwitchEnd> {
    if (this.log && this.log.phase !== 'migrated')
      throw new Error(`migration '${this.log.migration}' is still ${this.log.phase}; a cold migration cannot be undone`);
    if (req.pause) throw new Error('a cold migration has nothing to freeze or resume: set options.pause to false');
    if (req.vipMode !== 'move') throw new Error(`a cold migration moves the VIP (vipMode '${req.vipMode}' asked)`);
    const { local, peer, clock, peerTimeoutMs } = this.deps;
    const log = (this.log = new HandoverLog(req.migration));
    const steps: SubStep[] = [];
    const mark = (step: SubStep['step'], startMs: number, detail: Record<string, unknown>) => {
      steps.push({ step, startMs, endMs: clock.nowMs(), detail });
      this.deps.emit('step', { migration: req.migration, step, ms: clock.nowMs() - startMs, ...detail });
    };
    const pid = await local.findPid(req.process);
    let t = clock.nowMs();
    // Stopped as a service manager stops it: its connections end with a FIN, the clients reconnect.
    await local.signal(pid, 'TERM');
    mark('S704', t, { pid, stopped: 'SIGTERM', copiedBytes: 0 });
    t = clock.nowMs();
    await local.vip('del', req.vip);
    log.add({ kind: 'main-vip-removed' });
    log.add({ kind: 'backup-vip-added' });
    const target = await peer.vip(req.migration, 'add', req.vip, peerTimeoutMs, 'match' in req.process ? req.process : undefined);
    mark('S705', t, { vip: req.vip, mode: 'move' });
    if (!target.pid) throw new Error('the target found no service to give the VIP to (name the process by match)');
    log.phase = 'migrated';
    return { migration: req.migration, steps, processes: [{ server: req.backupRealIp, pid: target.pid }] };
  }

  resume(): Promise<(ProcessRef & { atMs: number })[]> {
    return Promise.reject(new Error('a cold migration has no resume step (no pause mode)'));
  }

  /** The VIP can go back; the stopped service cannot be brought back from here, so the rollback fails naming what to do. */
  async rollback(migration: string, vip: string): Promise<string[]> {
    const log = this.log;
    if (!log || log.migration !== migration) throw new Error(`no migration '${migration}' here`);
    if (log.has('backup-vip-added')) await this.deps.peer.vip(migration, 'del', vip, this.deps.peerTimeoutMs).catch(() => undefined);
    if (log.has('main-vip-removed')) await this.deps.local.vip('add', vip);
    throw new ColdRollbackError(`the VIP is back at the source, but the service there was stopped: start it again by hand (${migration})`);
  }
}
