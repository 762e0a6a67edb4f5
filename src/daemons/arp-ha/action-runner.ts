// Carries out the state machine's actions, one at a time in the order given: a mode change's
// ARP gate flip must precede its announcement, and a takeover must find the gate already open.
// Each action is an event in the history; a takeover reports where its time went (ms since the
// decision, per stage).
import type { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import type { EmitEvent } from '../shared/event-log.js';
import type { AppLink } from './app-link.js';
import type { ArpHaConfig } from './arp-ha-config.js';
import type { Action } from './arp-ha-machine.js';
import type { TakeoverOutcome, TakeoverOptions } from './tcp-takeover.js';

/** The kernel and network effects (arp-effects.ts, fast-fail.ts, tcp-takeover.ts). */
export interface ActionEffects {
  setArpMode(vip: string, active: boolean, hold?: { port: number }): Promise<void>;
  announce(vip: string, iface: string, mac: string, count: number, intervalMs: number): Promise<void>;
  releaseHold(vip: string, port: number): Promise<void>;
  takeOver(options: TakeoverOptions): Promise<TakeoverOutcome>;
  /** Returns how many clients were nudged. */
  nudgeClients(vip: string, port: number, clients: readonly string[]): number;
}

export interface ActionRunnerDeps {
  groups: readonly ArpHaConfig['groups'][number][];
  /**
   * Each group's interface's MAC: a group announces its VIP with the MAC of the interface it
   * lives on. One MAC for all (the first group's) sent the back ends of a two-LAN front end the
   * outside interface's MAC for their router: frames nobody on the inside LAN takes.
   */
  macs: ReadonlyMap<string, string>;
  /** The takeover groups' application links, by group name. */
  apps: ReadonlyMap<string, AppLink>;
  isActive: (group: string) => boolean;
  sendHeartbeat: () => void;
  emit: EmitEvent;
  clock: Clock;
  effects: ActionEffects;
  /**
   * Tells a group's listener about its mode change (mode-notify.ts; never awaited). Called once
   * every mode change of the batch has its gate set and its first announcement out: a listener
   * acting on a takeover (the redirector's kick) needs every address of the node answering here,
   * not only its own group's, and is told before a rebuild (tcp-takeover) that may take 100 ms.
   */
  notify?: (change: Extract<Action, { type: 'set-mode' }>, decidedMs: number) => void;
  /** Runs `fn` in `ms` (setTimeout unless a test schedules it). */
  later?: (fn: () => void, ms: number) => void;
}

type Group = ArpHaConfig['groups'][number];

export class ActionRunner {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ActionRunnerDeps) {}

  /** Queues `actions` behind those already queued; errors become events, never rejections. */
  run(actions: readonly Action[]): void {
    // Groups about to rebuild connections: their kernel's resets are held from the same nft
    // transaction that makes them ACTIVE, before any client can be sent their way.
    const rebuilding = new Set(
      actions.flatMap((a) => (a.type === 'fast-fail' && a.checkpoints.length > 0 && this.deps.apps.has(a.group) ? [a.group] : [])),
    );
    const decidedMs = this.deps.clock.monotonicMs();
    const stagesMs: Record<string, number> = {};
    const mark = (stage: string) => {
      stagesMs[stage] = Math.round((this.deps.clock.monotonicMs() - decidedMs) * 10) / 10;
    };
    const changes = actions.flatMap((a) => (a.type === 'set-mode' ? [a] : []));
    const lastChange = changes.length === 0 ? -1 : actions.lastIndexOf(changes[changes.length - 1]!);
    const { notify } = this.deps;
    actions.forEach((action, i) => {
      this.enqueue(() => this.one(action, rebuilding, mark, stagesMs));
      if (i === lastChange && notify)
        this.enqueue(async () => {
          for (const change of changes) notify(change, decidedMs);
        });
    });
  }

  /** Resolves once every action queued so far has run. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(step).catch((e: unknown) => this.deps.emit('error', { error: errorMessage(e) }));
  }

  private async one(
    action: Action,
    rebuilding: ReadonlySet<string>,
    mark: (stage: string) => void,
    stagesMs: Record<string, number>,
  ): Promise<void> {
    const { emit, effects } = this.deps;
    const group = 'group' in action ? this.deps.groups.find((g) => g.name === action.group) : undefined;
    if (action.type === 'set-mode' && group) {
      const hold = action.to === 'ACTIVE' && group.takeover && rebuilding.has(group.name) ? { port: group.takeover.port } : undefined;
      const gateFrom = this.deps.clock.monotonicMs();
      await effects.setArpMode(action.vip, action.to === 'ACTIVE', hold);
      mark('gate');
      emit('mode', {
        group: action.group,
        vip: action.vip,
        from: action.from,
        to: action.to,
        reason: action.reason,
        mac: this.macOf(group),
        // The gate's own share of a step-down or takeover: the nftables transaction, send to ack.
        gateMs: Math.round((this.deps.clock.monotonicMs() - gateFrom) * 10) / 10,
      });
      if (action.to === 'ACTIVE') await this.announceActive(group, action.vip, mark);
    } else if (action.type === 'announce' && group) {
      await this.announceActive(group, action.vip, () => undefined, action.reason);
    } else if (action.type === 'fast-fail' && group?.takeover && rebuilding.has(action.group)) {
      await this.takeOver(action, group.takeover, mark, stagesMs);
    } else if (action.type === 'fast-fail') {
      emit('fast-fail', { group: action.group, vip: action.vip, clients: effects.nudgeClients(action.vip, action.port, action.clients) });
    } else if (action.type === 'send-heartbeat') {
      this.deps.sendHeartbeat();
    } else if (action.type === 'event') {
      emit(action.event, action.data);
    }
  }

  /**
   * The first request/reply pair now; the rest keep their spacing in the background, so fast
   * fail, takeover or a heartbeat (next in the queue) need not wait for them. Each later pair is
   * queued (after any demotion already queued) and skipped once the group is no longer ACTIVE: a
   * node that stepped down must stay silent. 'garp-sent' is stamped as the first pair leaves.
   */
  private async announceActive(group: Group, vip: string, mark: (stage: string) => void, reason?: string): Promise<void> {
    const { effects } = this.deps;
    const mac = this.macOf(group);
    await effects.announce(vip, group.iface, mac, 1, 0);
    mark('garp');
    const later = this.deps.later ?? ((fn: () => void, ms: number) => void setTimeout(fn, ms));
    for (let i = 1; i < group.garp.count; i++) {
      later(
        () =>
          this.enqueue(async () => {
            if (this.deps.isActive(group.name)) await effects.announce(vip, group.iface, mac, 1, 0);
          }),
        i * group.garp.intervalMs,
      );
    }
    this.deps.emit('garp-sent', { group: group.name, vip, count: group.garp.count, mac, ...(reason ? { reason } : {}) });
  }

  private macOf(group: Group): string {
    const mac = this.deps.macs.get(group.iface);
    if (mac === undefined) throw new Error(`no MAC known for ${group.iface} (group ${group.name})`);
    return mac;
  }

  private async takeOver(
    action: Extract<Action, { type: 'fast-fail' }>,
    t: NonNullable<Group['takeover']>,
    mark: (stage: string) => void,
    stagesMs: Record<string, number>,
  ): Promise<void> {
    const { effects, emit } = this.deps;
    let held = true;
    const releaseHold = async () => {
      if (held) await effects.releaseHold(action.vip, action.port);
      held = false;
    };
    try {
      mark('nudge');
      const outcome = await effects.takeOver({
        vip: action.vip,
        port: action.port,
        checkpoints: action.checkpoints,
        app: this.deps.apps.get(action.group)!,
        answerWaitMs: t.answerWaitMs,
        restoreTimeoutMs: t.restoreTimeoutMs,
        releaseHold,
      });
      mark('done');
      emit('takeover', { group: action.group, vip: action.vip, ...outcome, stagesMs });
    } finally {
      await releaseHold();
    }
    // Clients without a checkpoint (connected since the last beat): fast fail.
    const covered = new Set(action.checkpoints.map((c) => c.client));
    const rest = action.clients.filter((c) => !covered.has(c));
    if (rest.length > 0)
      emit('fast-fail', { group: action.group, vip: action.vip, clients: effects.nudgeClients(action.vip, action.port, rest) });
  }
}
