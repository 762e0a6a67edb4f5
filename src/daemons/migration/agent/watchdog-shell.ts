// The watchdog's I/O (the decision is coordinator-watchdog.ts): checks every `checkMs` whether
// the coordinator has gone quiet, asks the gateways where the users are when that decides, and
// carries the decision out through the same hand-over calls the coordinator would have made
// (rollback, resume) and the gateways' S707 endpoint.
import type { Clock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import type { EmitEvent } from '../../shared/event-log.js';
import type { Keepalive } from '../protocol.js';
import type { Handover } from './agent-ops.js';
import { decide, usersAt, type CoordinatorWatchdog, type HandoverState, type WatchdogAction } from './coordinator-watchdog.js';

export interface GatewayCalls {
  /** The gateway's port table (GET /status). */
  table(gateway: string): Promise<{ name: string; vlan: number }[]>;
  /** S707 to one gateway: these users onto these VLANs (a rollback's: the gateway fences the migration). */
  move(gateway: string, migration: string, users: { name: string; vlan: number }[], rollback: boolean): Promise<void>;
}

export interface WatchdogShellDeps {
  watchdog: CoordinatorWatchdog;
  handover: Handover & { busy(): boolean };
  gateways: GatewayCalls;
  clock: Clock;
  emit: EmitEvent;
  realIp: string;
  /** The VIP of the migration under way (from its S702). */
  vip: () => string;
  checkMs: number;
}

/** Counts the hand-over calls in progress: the watchdog never acts in the middle of one. */
export const trackBusy = (h: Handover): Handover & { busy(): boolean } => {
  let running = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    running++;
    return p.finally(() => running--);
  };
  return {
    start: (req) => counted(h.start(req)),
    resume: (m, p, ip) => counted(h.resume(m, p, ip)),
    rollback: (m, vip) => counted(h.rollback(m, vip)),
    current: () => h.current(),
    busy: () => running > 0,
  };
};

const tablesOf = async (g: GatewayCalls, users: Keepalive['users']) =>
  new Map(
    await Promise.all(
      [...new Set(users.map((u) => u.gateway))].map(async (name) => [name, await g.table(name).catch(() => undefined)] as const),
    ),
  );

const moveAll = async (g: GatewayCalls, k: Keepalive, to: 'fromVlan' | 'toVlan'): Promise<void> => {
  for (const gateway of new Set(k.users.map((u) => u.gateway)))
    await g.move(
      gateway,
      k.migration,
      k.users.filter((u) => u.gateway === gateway).map((u) => ({ name: u.name, vlan: u[to] })),
      to === 'fromVlan',
    );
};

export const startWatchdog = (deps: WatchdogShellDeps): { stop(): void } => {
  const { watchdog, handover, gateways, clock, emit } = deps;
  let acting = false;
  const carryOut = async (k: Keepalive, d: WatchdogAction): Promise<void> => {
    if (d.action === 'back') {
      // Every gateway gets the rollback, also with its users still on the source VLAN: it fences
      // the migration against the dead coordinator's S707, which its kernel may still be
      // retransmitting. The server goes back even if a gateway does not answer: one place
      // answering matters more.
      const gatewayError = await moveAll(gateways, k, 'fromVlan').then(() => undefined, errorMessage);
      await handover.rollback(k.migration, deps.vip());
      if (gatewayError !== undefined)
        throw new Error(
          d.usersBack
            ? `rolled back at the source, but the users were not all moved back: ${gatewayError}`
            : `rolled back at the source, but a gateway was not fenced (a late S707 could still switch the users): ${gatewayError}`,
        );
    } else if (d.action === 'forward') {
      if (d.usersForward) await moveAll(gateways, k, 'toVlan');
      if (d.resume) await handover.resume(k.migration, k.resume ?? [], deps.realIp);
    }
  };
  const check = async (): Promise<void> => {
    const k = watchdog.due(clock.monotonicMs());
    if (!k) return;
    const log = handover.current();
    const state: HandoverState = handover.busy() ? 'busy' : log?.migration === k.migration ? log.phase : 'idle';
    let d = decide(k.phase, state);
    if (d.action === 'wait') return;
    const silentMs = Math.round(watchdog.silentMs(clock.monotonicMs()));
    const at = d.action === 'ask-gateways' ? usersAt(k.users, await tablesOf(gateways, k.users)) : undefined;
    if (at !== undefined) d = decide(k.phase, state, at);
    watchdog.settle(k.migration);
    const about = { migration: k.migration, coordinatorPhase: k.phase, handover: state, decision: d.action, reason: d.reason };
    emit('watchdog', { ...about, silentMs, timeoutMs: watchdog.timeoutMs, ...(at ? { usersAt: at } : {}) });
    try {
      await carryOut(k, d);
      emit('watchdog-done', { ...about, answering: d.action === 'back' ? 'main' : d.action === 'forward' ? 'backup' : 'unchanged' });
    } catch (e) {
      // The one case an operator must act on, as a failed rollback is for the coordinator.
      emit('watchdog-failed', { ...about, error: errorMessage(e) });
    }
  };
  const timer = setInterval(() => {
    if (acting) return;
    acting = true;
    void check().finally(() => (acting = false));
  }, deps.checkMs);
  return { stop: () => clearInterval(timer) };
};
