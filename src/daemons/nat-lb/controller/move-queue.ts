// The controller's moves: planned moves wait in a queue (one VIP may move once at a time), each
// move runs a Migration's calls to the end or to its rollback, and its outcome updates the
// controller's belief of who owns the VIP. Also remembered here: when each VIP last changed
// hands (a mode table older than that is not trusted for it), which targets a failed failover
// must avoid for a while, and the last moves for /status.
import type { Clock } from '../../../common/clock.js';
import type { EmitEvent } from '../../shared/event-log.js';
import type { CallRunner } from './call-runner.js';
import { Migration, type MoveSpec } from './migration.js';
import type { RateTracker } from './rate-tracker.js';
import type { Finding } from './repairs.js';

export interface MoveResult {
  vip: string;
  from: string | null;
  to: string;
  state: string;
  owner: string | null;
  failedStep: number | null;
  error: string | null;
  rows: number;
  ms: number;
}

export interface MoveQueueDeps {
  calls: CallRunner;
  emit: EmitEvent;
  clock: Clock;
  /** The controller's belief, VIP → owner: a move's outcome updates it. */
  assignment: Map<string, string>;
  /** A moved VIP's byte rate starts afresh. */
  rates: RateTracker;
  /** How long a failed failover's target is avoided. */
  retryMs: number;
  /** The controller stopped: a move in progress is abandoned, nothing more changes. */
  isStopped: () => boolean;
}

interface MoveRequest {
  vip: string;
  to: string;
  done: (r: MoveResult) => void;
}

const MOVES_KEPT = 20;

export class MoveQueue {
  private readonly requests: MoveRequest[] = [];
  /** Moves under way, by VIP: one at a time, except the failovers of a dead balancer's VIPs, which run together. */
  private readonly migrations = new Map<string, Migration>();
  private readonly unawaited = new Map<string, Set<Promise<void>>>();
  private readonly retry = new Map<string, { untilMs: number; exclude: Set<string> }>();
  /** When each VIP last changed hands (move, rollback, dedupe): older mode tables are not trusted for it. */
  private readonly changedMs = new Map<string, number>();
  readonly lastMoves: MoveResult[] = [];

  constructor(private readonly deps: MoveQueueDeps) {}

  /** A planned move to wait its turn; resolves when it is done, rolled back or refused. */
  request(vip: string, to: string): Promise<MoveResult> {
    return new Promise((done) => this.requests.push({ vip, to, done }));
  }

  nextRequest(): MoveRequest | undefined {
    return this.requests.shift();
  }

  pending(): { vip: string; to: string }[] {
    return this.requests.map((r) => ({ vip: r.vip, to: r.to }));
  }

  /** Moving now or waiting to. */
  isMoving(vip: string): boolean {
    return this.migrations.has(vip) || this.requests.some((r) => r.vip === vip);
  }

  migratingVips(): Set<string> {
    return new Set(this.migrations.keys());
  }

  migrationStatuses(): Migration['status'][] {
    return [...this.migrations.values()].map((m) => m.status);
  }

  /** When `vip` last changed hands (-Infinity: never seen to). */
  changedAt(vip: string): number {
    return this.changedMs.get(vip) ?? -Infinity;
  }

  changedVips(): string[] {
    return [...this.changedMs.keys()];
  }

  /** Targets a failover of `vip` must avoid now (a failed one's, until its retry pause ends). */
  avoided(vip: string, nowMs: number): Set<string> | undefined {
    const r = this.retry.get(vip);
    return r && nowMs < r.untilMs ? r.exclude : undefined;
  }

  /** A VIP held by several balancers: all but one let it go. */
  async dedupe(f: Extract<Finding, { kind: 'dedupe' }>, stepTimeoutMs: number): Promise<void> {
    await this.settled([f.keep, ...f.drop.map((d) => d.balancer)]);
    await this.deps.calls.dedupe(f, stepTimeoutMs);
    this.changedMs.set(f.vip, this.deps.clock.nowMs());
  }

  /** Keeps a move's result (done, rolled back, abandoned or refused) for /status. */
  record(r: MoveResult): MoveResult {
    this.lastMoves.push(r);
    if (this.lastMoves.length > MOVES_KEPT) this.lastMoves.shift();
    return r;
  }

  async run(spec: MoveSpec): Promise<MoveResult> {
    const { calls, clock, isStopped } = this.deps;
    const now = () => clock.nowMs();
    const m = new Migration(spec, now());
    this.migrations.set(spec.vip, m);
    try {
      await this.settled(spec.kind === 'planned' && spec.from ? [spec.to, spec.from] : [spec.to]);
      for (let op = m.next(now()); op && !isStopped(); op = m.next(now())) {
        if (op.kind === 'balancer' && op.detached) {
          const sent = op;
          this.track(
            sent.balancer,
            spec.vip,
            calls.execute(sent).then((late) => m.onLateResult(sent, late)),
          );
          m.onResult(op, { ok: false, error: 'not awaited' }, now());
        } else {
          const pending = calls.execute(op);
          const then = op.kind === 'balancer' && op.then ? { op: op.then, result: calls.execute(op.then) } : undefined;
          const result = await pending;
          if (isStopped()) break;
          m.onResult(op, result, now());
          if (then) {
            const second = await then.result;
            if (isStopped()) break;
            m.onResult(then.op, second, now());
          }
        }
        this.emitAll(m.drainEvents());
      }
      this.emitAll(m.drainEvents());
    } finally {
      this.migrations.delete(spec.vip);
    }
    return this.conclude(spec, m);
  }

  private conclude(spec: MoveSpec, m: Migration): MoveResult {
    const o = m.outcome();
    const now = this.deps.clock.nowMs();
    const stopped = this.deps.isStopped();
    const result = this.record({
      vip: spec.vip,
      from: spec.from ?? null,
      to: spec.to,
      state: stopped ? 'abandoned' : o.state,
      owner: o.owner,
      failedStep: o.failedStep,
      error: o.error,
      rows: o.rows,
      ms: now - m.status.startMs,
    });
    if (stopped) return result;
    if (o.owner) this.deps.assignment.set(spec.vip, o.owner);
    else this.deps.assignment.delete(spec.vip);
    if (spec.kind === 'failover' && o.state !== 'done') {
      const prev = this.retry.get(spec.vip);
      this.retry.set(spec.vip, { untilMs: now + this.deps.retryMs, exclude: new Set([...(prev?.exclude ?? []), spec.to]) });
    } else if (o.state === 'done') this.retry.delete(spec.vip);
    this.deps.rates.forget(spec.vip);
    this.changedMs.set(spec.vip, now);
    return result;
  }

  /** An unawaited call changes the VIP when it lands: mode tables asked before that are stale for it. */
  private track(balancer: string, vip: string, call: Promise<void>): void {
    const set = this.unawaited.get(balancer) ?? new Set();
    this.unawaited.set(balancer, set.add(call));
    // Not awaited (settled() does that); call never rejects: CallRunner.execute returns its errors.
    void call.finally(() => {
      set.delete(call);
      this.changedMs.set(vip, Math.max(this.changedMs.get(vip) ?? -Infinity, this.deps.clock.nowMs()));
    });
  }

  /**
   * Unawaited calls (a rollback's cleanup) still on their way to these balancers must land
   * before a new move uses them: a late /migration/abort would undo the next move's begin.
   * Each is bounded by its own deadline.
   */
  private async settled(balancers: readonly string[]): Promise<void> {
    await Promise.allSettled(balancers.flatMap((b) => [...(this.unawaited.get(b) ?? [])]));
  }

  private emitAll(events: readonly { event: string; data: Record<string, unknown> }[]): void {
    for (const e of events) this.deps.emit(e.event, e.data);
  }
}
