// The nat-controller's shell (seed 001, control mechanism 52): polls every balancer's /status,
// feeds the failure detector and the rate tracker, and on each round does at most one thing —
// repair ownership (recovery, failover, duplicates), else a requested move, else what the
// policy proposes — through the move queue. Decisions live in the pure modules.
import { systemClock, type Clock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import type { EmitEvent } from '../../shared/event-log.js';
import type { BalancerStatus } from '../protocol.js';
import type { ControllerConfig } from './controller-config.js';
import { controllerStatus } from './controller-status.js';
import type { ControlClient, Endpoint } from './control-client.js';
import { CallRunner } from './call-runner.js';
import { FailureDetector, type DetectorEvent } from './failure-detector.js';
import { plannedSpec, repairSpec } from './move-specs.js';
import { checkMoveRequest, lateRefusal } from './move-refusal.js';
import { MoveQueue, type MoveResult } from './move-queue.js';
import { ByteRatePolicy, type MovePolicy, type PolicyInput, type PolicyVerdict } from './policy.js';
import { RateTracker } from './rate-tracker.js';
import { findOwnership, type Finding } from './repairs.js';

export type { MoveResult } from './move-queue.js';
export { MoveRefused } from './move-refusal.js';

export interface ControllerDeps {
  client: ControlClient;
  emit: EmitEvent;
  clock?: Clock;
  policy?: MovePolicy;
}

interface View {
  status: BalancerStatus | undefined;
  /** When the poll that produced `status` was sent: a status is trusted only if asked after the last change. */
  askedMs: number;
}

export class NatController {
  private readonly clock: Clock;
  private readonly detector: FailureDetector;
  private readonly rates: RateTracker;
  private readonly policy: MovePolicy;
  private readonly views = new Map<string, View>();
  private readonly assignment = new Map<string, string>();
  /** Every VIP ever configured or seen: one that nobody holds any more must still be placed. */
  private readonly known: Set<string>;
  private readonly endpoints: Map<string, Endpoint>;
  private readonly stores: Endpoint[];
  private readonly moves: MoveQueue;
  private lastVerdict: PolicyVerdict['kind'] | undefined;
  private acting = false;
  private polling = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly calls: CallRunner;

  constructor(
    private readonly config: ControllerConfig,
    private readonly deps: ControllerDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    const token = (e: { token?: string | undefined }) => e.token ?? config.peerToken;
    this.endpoints = new Map(config.balancers.map((b) => [b.name, { name: b.name, api: b.api, token: token(b) }]));
    this.stores = config.copyStores.map((s) => ({ name: s.name, api: s.api, token: token(s) }));
    this.known = new Set(config.vips);
    this.detector = new FailureDetector(
      config.balancers.map((b) => b.name),
      config.poll.misses,
      config.poll.startupMisses,
      config.liveness ? config.liveness.intervalMs * config.liveness.misses : Infinity,
    );
    this.rates = new RateTracker(config.policy.windowMs);
    this.policy = deps.policy ?? new ByteRatePolicy(config.policy);
    this.calls = new CallRunner(deps.client, this.endpoints, this.stores, deps.emit, this.abort.signal, () => this.clock.nowMs());
    this.moves = new MoveQueue({
      calls: this.calls,
      emit: deps.emit,
      clock: this.clock,
      assignment: this.assignment,
      rates: this.rates,
      retryMs: config.migration.retryMs,
      isStopped: () => this.stopped,
    });
  }

  start(): void {
    this.deps.emit('started', {
      balancers: [...this.endpoints.keys()],
      copyStores: this.stores.map((s) => s.name),
      policy: this.policy.name,
      failoverRows: this.config.migration.failoverRows,
      failoverOrder: this.config.migration.failoverOrder,
    });
    const round = () => {
      if (this.stopped) return;
      // Not awaited: rounds chain by timer. An unexpected error is an event and polling goes on;
      // unhandled, it would have killed the controller while the next round was already queued.
      void this.round()
        .catch((e: unknown) => this.deps.emit('error', { error: errorMessage(e) }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(round, this.config.poll.intervalMs);
        });
    };
    round();
    const liveness = this.config.liveness;
    if (liveness) {
      this.silenceTimer = setInterval(() => this.checkSilence(), Math.max(5, Math.floor(liveness.intervalMs / 4)));
    }
  }

  /** Stops at once, like a killed process: calls in flight are abandoned, nothing is rolled back. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.silenceTimer);
    this.abort.abort();
  }

  /** A planned move (POST /move): resolves when it is done or rolled back. */
  requestMove(vip: string, to: string): Promise<MoveResult> {
    checkMoveRequest(vip, to, {
      balancers: [...this.endpoints.keys()],
      assignment: this.assignment,
      health: (n) => this.detector.health(n),
      isMoving: (x) => this.moves.isMoving(x),
    });
    return this.moves.request(vip, to);
  }

  status() {
    return controllerStatus({
      node: this.config.node,
      assignment: this.assignment,
      health: this.detector.status(this.clock.nowMs()),
      vipsOf: (name) => this.vipsOf(name),
      rateBps: (vip) => this.rates.rateBps(vip),
      copyStores: this.stores.map((s) => s.name),
      moves: this.moves,
      policy: { name: this.policy.name, enabled: this.config.policy.enabled, lastVerdict: this.lastVerdict },
    });
  }

  private vipsOf(balancer: string) {
    return this.views.get(balancer)?.status?.vips ?? [];
  }

  /** One poll of every balancer, then (unless a move is running) one action. */
  async round(): Promise<void> {
    if (!this.polling) {
      this.polling = true;
      try {
        await this.poll();
      } finally {
        this.polling = false;
      }
    }
    this.actNow();
  }

  /** A liveness datagram from balancer `name` (already authenticated by the caller). */
  onLiveness(name: string): void {
    this.onHealth(this.detector.onBeat(name, this.clock.nowMs()));
  }

  /** Judges silence between polls: a balancer dead by silence is acted on at once, not after the round's poll timeout. */
  private checkSilence(): void {
    const events = this.detector.onSilenceCheck(this.clock.nowMs());
    if (events.length === 0) return;
    this.onHealth(events);
    this.actNow();
  }

  /** Health changes go to the history; a balancer now dead has its calls in flight abandoned (a move waiting on it rolls back now). */
  private onHealth(events: readonly DetectorEvent[]): void {
    for (const e of events) this.deps.emit(e.event, e.data);
    for (const e of events)
      if (e.event === 'balancer-dead')
        this.calls.abandon(String(e.data.balancer), `abandoned: ${String(e.data.balancer)} was declared dead`);
  }

  /** One action unless one is running (a move runs while the next polls go on; only one move at a time). */
  private actNow(): void {
    if (!this.acting && !this.stopped) {
      this.acting = true;
      void this.act()
        .catch((e: unknown) => this.deps.emit('error', { error: errorMessage(e) }))
        .finally(() => {
          this.acting = false;
        });
    }
  }

  private async poll(): Promise<void> {
    await Promise.all(
      [...this.endpoints.values()].map(async (b) => {
        const askedMs = this.clock.nowMs();
        try {
          const status = await this.deps.client.balancerStatus(b, this.config.poll.timeoutMs, this.abort.signal);
          if (this.stopped) return;
          this.views.set(b.name, { status, askedMs });
          for (const v of status.vips) {
            this.known.add(v.vip);
            if (v.mode === 'normal') this.rates.observe(v.vip, b.name, v.bytes, askedMs);
          }
          this.onHealth(this.detector.onPoll(b.name, true, this.clock.nowMs()));
        } catch (e) {
          if (!this.stopped) this.onHealth(this.detector.onPoll(b.name, false, this.clock.nowMs(), errorMessage(e)));
        }
      }),
    );
  }

  private async act(): Promise<void> {
    if (!this.detector.allKnown()) return;
    const alive = [...this.endpoints.keys()].filter((n) => this.detector.health(n) === 'alive');
    // Judge a VIP only on mode tables asked for after it last changed, never on a picture from
    // mid-move; other VIPs need not wait (a failover of several VIPs runs back to back).
    const oldest = Math.min(...alive.map((n) => this.views.get(n)?.askedMs ?? -Infinity));
    const fresh = (vip: string) => oldest > this.moves.changedAt(vip);
    const allFresh = this.moves.changedVips().every(fresh);
    const findings = findOwnership({
      balancers: [...this.endpoints.keys()].map((name) => ({
        name,
        health: this.detector.health(name),
        vips: this.vipsOf(name),
      })),
      configVips: [...this.known],
      assignment: this.assignment,
    });
    for (const f of findings) if (f.kind === 'owned' && fresh(f.vip)) this.assignment.set(f.vip, f.owner);
    const repaired = await this.repair(findings, fresh);
    if (repaired !== false || !allFresh) return;
    const request = this.moves.nextRequest();
    if (request) {
      const from = this.assignment.get(request.vip);
      const result =
        from === undefined || from === request.to || this.detector.health(request.to) !== 'alive'
          ? this.moves.record(lateRefusal(request.vip, from, request.to))
          : await this.moves.run(plannedSpec(this.config.migration, request.vip, from, request.to, 'requested'));
      return request.done(result);
    }
    if (this.config.policy.enabled) {
      const verdict = this.policy.decide(this.policyInput(this.clock.nowMs()));
      if (verdict.kind !== this.lastVerdict || verdict.kind === 'move')
        this.deps.emit('policy-decision', { policy: this.policy.name, ...verdict });
      this.lastVerdict = verdict.kind;
      if (verdict.kind === 'move')
        await this.moves.run(plannedSpec(this.config.migration, verdict.vip, verdict.from, verdict.to, verdict.reason));
    }
  }

  /**
   * Repairs of different VIPs run in the same round: a move changes only its own VIP, so the
   * other findings still hold (waiting for the next round would add a poll timeout per VIP
   * when a balancer with several VIPs dies). New failovers run together — a dead balancer's
   * clients all wait, and the last VIP's should not wait for the others' four steps (at the
   * target the calls interleave; its step handlers run one at a time) —; the rest back to back.
   * Only VIPs whose mode tables are `fresh` are judged. Returns whether anything was repaired,
   * or 'stopped' when the controller stopped meanwhile.
   */
  private async repair(findings: readonly Finding[], fresh: (vip: string) => boolean): Promise<boolean | 'stopped'> {
    let repaired = false;
    const failovers: Promise<MoveResult>[] = [];
    for (const f of findings) {
      if (this.stopped) return 'stopped';
      if (f.kind === 'owned' || !fresh(f.vip)) continue;
      if (f.kind === 'dedupe') {
        await this.moves.dedupe(f, this.config.migration.stepTimeoutMs);
        repaired = true;
        continue;
      }
      const spec = repairSpec(this.config, f, (vip) => this.placeFailover(vip, this.clock.nowMs()));
      if (spec?.kind === 'failover' && !spec.resumed) failovers.push(this.moves.run(spec));
      else if (spec) await this.moves.run(spec);
      if (spec) repaired = true;
    }
    await Promise.all(failovers);
    return repaired;
  }

  /** Where a failover of `vip` goes: the policy's pick among the balancers its recent failed tries did not avoid. */
  private placeFailover(vip: string, now: number): string | undefined {
    const avoided = this.moves.avoided(vip, now);
    if (avoided && avoided.size >= this.endpoints.size - 1) return undefined;
    return this.policy.place(vip, this.policyInput(now), avoided ?? new Set());
  }

  private policyInput(nowMs: number): PolicyInput {
    return {
      nowMs,
      migrating: this.moves.migratingVips(),
      balancers: [...this.endpoints.keys()].map((name) => ({
        name,
        alive: this.detector.health(name) === 'alive',
        vips: this.vipsOf(name).map((v) => ({ vip: v.vip, mode: v.mode, rateBps: this.rates.rateBps(v.vip) })),
      })),
    };
  }
}
