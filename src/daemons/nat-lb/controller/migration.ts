// One VIP's move between balancers as a pure state machine (seed 001 §3.5, §3.7): it says
// which call to make next, with its deadline, and is told each result; the controller's shell
// makes the calls. Which calls, in which order, and how a failure is undone: move-plan.ts.
// Every step has one deadline (stepTimeoutMs from its first call). A required call that fails
// or misses it ends the move and starts the rollback.
import { rowKey, type AccessRow, type BalancerPath } from '../protocol.js';
import { moveTemplates, RESUMED_MAYBE, rollbackOwner, rollbackTemplates, type MoveSpec, type Step, type Template } from './move-plan.js';

export type { FailoverRows, MoveKind, MoveOrder, MoveSpec, Step } from './move-plan.js';

export type Op =
  /** `detached`: send it and report {ok: false} at once; its real result may come later (onLateResult). */
  | {
      kind: 'balancer';
      phase: 'move' | 'rollback';
      step: Step;
      balancer: string;
      party: 'from' | 'to';
      path: BalancerPath;
      body: unknown;
      required: boolean;
      detached: boolean;
      deadlineMs: number;
      /** Send this one right after, without waiting (move-plan.ts `pipelined`); report its result after this one's. */
      then?: Op;
    }
  | { kind: 'copy-rows'; phase: 'move'; step: 3; vip: string; source: 'copy' | 'tcp-table'; required: true; deadlineMs: number };

export type OpResult = { ok: true; reply: unknown } | { ok: false; error: string };

export interface MigrationEvent {
  event: 'migration-start' | 'migration-step' | 'rollback' | 'migration-done';
  data: Record<string, unknown>;
}

export type MigrationState = 'running' | 'done' | 'rolled-back' | 'failed';

export class Migration {
  readonly spec: MoveSpec;
  private state: MigrationState = 'running';
  private phase: 'move' | 'rollback' = 'move';
  private plan: Template[];
  private index = 0;
  private rows = new Map<string, AccessRow>();
  private rowsCollected = false;
  /** `party:path` of every call issued (it may have acted even if its answer never came). */
  private readonly issued = new Set<string>();
  private readonly succeeded = new Set<string>();
  /** When each step's first call was issued (a step's calls need not be adjacent: move-plan.ts). */
  private readonly stepStart = new Map<Step, number>();
  /** When the call in flight was issued, and how long each call of each step took. */
  private callStartMs = 0;
  private readonly stepCalls = new Map<Step, Record<string, number>>();
  private currentStep: Step | undefined;
  private failedStep: Step | undefined;
  private failure: string | undefined;
  private rollbackStartMs = 0;
  private owner: string | undefined;
  private readonly startMs: number;
  private readonly pending: MigrationEvent[] = [];

  constructor(spec: MoveSpec, nowMs: number) {
    this.spec = spec;
    this.startMs = nowMs;
    this.owner = spec.from;
    this.plan = moveTemplates(spec, () => this.rowsCollected);
    this.pending.push({
      event: 'migration-start',
      data: {
        vip: spec.vip,
        from: spec.from ?? null,
        to: spec.to,
        kind: spec.kind,
        reason: spec.reason,
        ...(spec.kind === 'failover' ? { rows: spec.rows, order: spec.order } : {}),
        ...(spec.resumed ? { resumed: true } : {}),
      },
    });
  }

  get status() {
    return {
      vip: this.spec.vip,
      from: this.spec.from ?? null,
      to: this.spec.to,
      kind: this.spec.kind,
      state: this.state,
      phase: this.phase,
      step: this.currentStep ?? null,
      startMs: this.startMs,
      rows: this.rows.size,
    };
  }

  /** The move's result once it is no longer running. */
  outcome() {
    return {
      state: this.state,
      owner: this.owner ?? null,
      failedStep: this.failedStep ?? null,
      error: this.failure ?? null,
      rows: this.rows.size,
    };
  }

  /** Events produced since the last call (start, steps, rollback, done). */
  drainEvents(): MigrationEvent[] {
    return this.pending.splice(0);
  }

  /** The next call to make, or undefined when the move is over. */
  next(nowMs: number): Op | undefined {
    while (this.state === 'running' && this.index < this.plan.length) {
      const t = this.plan[this.index]!;
      if (this.skipped(t)) {
        this.index++;
        this.closeStepIfLast(t.step, nowMs);
        continue;
      }
      const op = this.opFor(t, nowMs);
      const follower = this.plan[this.index + 1];
      // A pipelined call goes out right behind this one, to the same balancer, which serves its
      // step calls one at a time in arrival order: the order is kept and a round trip saved.
      if (op.kind === 'balancer' && follower?.pipelined && !this.skipped(follower) && follower.party === t.party)
        return { ...op, then: this.opFor(follower, nowMs) };
      return op;
    }
    if (this.state === 'running') this.finish(nowMs);
    return undefined;
  }

  /** The call for template `t` (its step starts with its first call; the deadline is the step's). */
  private opFor(t: Template, nowMs: number): Op {
    this.currentStep = t.step;
    if (this.phase === 'move' && !this.stepStart.has(t.step)) this.stepStart.set(t.step, nowMs);
    const stepDeadline = this.phase === 'move' ? this.stepStart.get(t.step)! + this.spec.stepTimeoutMs : nowMs + this.spec.stepTimeoutMs;
    const deadlineMs = t.dead ? Math.min(stepDeadline, nowMs + this.spec.deadCallTimeoutMs) : stepDeadline;
    this.callStartMs = nowMs;
    if (t.copy) return { kind: 'copy-rows', phase: 'move', step: 3, vip: this.spec.vip, source: t.copy, required: true, deadlineMs };
    this.issued.add(`${t.party}:${t.path}`);
    const balancer = t.party === 'from' ? this.spec.from : this.spec.to;
    return {
      kind: 'balancer',
      phase: this.phase,
      step: t.step,
      balancer: balancer!,
      party: t.party,
      path: t.path!,
      body: this.bodyFor(t.path!),
      required: t.required,
      detached: t.detached === true,
      deadlineMs,
    };
  }

  /**
   * The result of `op` (results come in the order the calls were issued). A pipelined call's
   * result after its predecessor failed belongs to a plan that is over: it is only recorded.
   */
  onResult(op: Op, result: OpResult, nowMs: number): void {
    const t = this.plan[this.index];
    if (this.state !== 'running' || !t) return;
    if (op.phase !== this.phase || (op.kind === 'balancer' && (t.party !== op.party || t.path !== op.path))) {
      if (op.kind === 'balancer' && result.ok) this.succeeded.add(`${op.party}:${op.path}`);
      return;
    }
    if (this.phase === 'move') {
      const calls = this.stepCalls.get(op.step) ?? {};
      calls[op.kind === 'balancer' ? `${op.party} ${op.path}` : `copy stores ${op.source}`] = nowMs - this.callStartMs;
      this.stepCalls.set(op.step, calls);
    }
    if (result.ok) {
      if (t.path) this.succeeded.add(`${t.party}:${t.path}`);
      if (t.collectRows) this.collect(result.reply);
    } else if (op.required) {
      if (this.phase === 'move')
        return this.startRollback(
          op.step,
          `${op.kind === 'balancer' ? `${op.balancer} ${op.path}` : `copy stores ${op.source}`}: ${result.error}`,
          nowMs,
        );
      this.state = 'failed';
      this.failure = `${this.failure}; rollback: ${op.kind === 'balancer' ? `${op.balancer} ${op.path}` : op.source}: ${result.error}`;
      this.owner = undefined;
      return this.finish(nowMs);
    }
    this.index++;
    this.closeStepIfLast(t.step, nowMs);
  }

  /** The answer to a detached call, whenever it comes: a "dead" source that answers is alive after all. */
  onLateResult(op: Op, result: OpResult): void {
    if (op.kind === 'balancer' && result.ok) this.succeeded.add(`${op.party}:${op.path}`);
  }

  private bodyFor(path: BalancerPath): unknown {
    if (path === '/rows/import') return { vip: this.spec.vip, rows: [...this.rows.values()] };
    // A failover's connections waited through detection: their ends are deep in TCP backoff.
    if (path === '/migration/finish' && this.spec.kind === 'failover' && this.phase === 'move') return { vip: this.spec.vip, kick: true };
    return { vip: this.spec.vip };
  }

  private collect(reply: unknown): void {
    const rows = (reply as { rows?: AccessRow[] }).rows ?? [];
    for (const r of rows) this.rows.set(rowKey(r), r);
    this.rowsCollected = true;
  }

  private skipped(t: Template): boolean {
    return t.skip?.() === true || (t.path !== undefined && (t.party === 'from' ? this.spec.from : this.spec.to) === undefined);
  }

  /** Emits `step`'s event once its last call is answered (skipped calls do not count). */
  private closeStepIfLast(step: Step, nowMs: number): void {
    if (this.phase !== 'move' || !this.stepStart.has(step)) return;
    if (this.plan.slice(this.index).some((t) => t.step === step && !this.skipped(t))) return;
    this.stepEvent(step, true, nowMs);
    this.stepStart.delete(step);
  }

  private stepEvent(step: Step, ok: boolean, nowMs: number, error?: string): void {
    this.pending.push({
      event: 'migration-step',
      data: {
        vip: this.spec.vip,
        step,
        from: this.spec.from ?? null,
        to: this.spec.to,
        ok,
        ms: nowMs - (this.stepStart.get(step) ?? nowMs),
        kind: this.spec.kind,
        ...(step === 3 ? { rows: this.rows.size } : {}),
        callsMs: this.stepCalls.get(step) ?? {},
        ...(error ? { error } : {}),
      },
    });
  }

  private startRollback(step: Step, error: string, nowMs: number): void {
    this.stepEvent(step, false, nowMs, error);
    this.failedStep = step;
    this.failure = error;
    this.phase = 'rollback';
    this.rollbackStartMs = nowMs;
    const issued = (key: string) => this.issued.has(key) || (this.spec.resumed === true && RESUMED_MAYBE.has(key));
    this.plan = rollbackTemplates(
      this.spec,
      issued,
      (key) => this.succeeded.has(key),
      () => this.rows.size > 0,
    );
    this.index = 0;
    this.currentStep = undefined;
  }

  private finish(nowMs: number): void {
    if (this.phase === 'move' && this.state === 'running') {
      this.state = 'done';
      this.owner = this.spec.to;
    } else if (this.phase === 'rollback') {
      if (this.state === 'running') {
        this.state = 'rolled-back';
        this.owner = rollbackOwner(this.spec, (key) => this.succeeded.has(key));
      }
      this.pending.push({
        event: 'rollback',
        data: {
          vip: this.spec.vip,
          from: this.spec.from ?? null,
          to: this.spec.to,
          kind: this.spec.kind,
          failedStep: this.failedStep,
          ok: this.state === 'rolled-back',
          owner: this.owner ?? null,
          ms: nowMs - this.rollbackStartMs,
          error: this.failure,
        },
      });
    }
    this.pending.push({
      event: 'migration-done',
      data: {
        vip: this.spec.vip,
        from: this.spec.from ?? null,
        to: this.spec.to,
        kind: this.spec.kind,
        ok: this.state === 'done',
        state: this.state,
        owner: this.owner ?? null,
        ms: nowMs - this.startMs,
        rows: this.rows.size,
      },
    });
  }
}
