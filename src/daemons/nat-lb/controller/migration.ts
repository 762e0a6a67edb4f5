// One VIP's move between balancers as a pure state machine (seed 001 §3.5, §3.7): it says
// which call to make next, with its deadline, and is told each result. The controller's shell
// makes the calls. Order, acknowledgements and rollback are decided here, nowhere else.
//
// Planned move A → B (address first, the patent's order):
//   1 B /migration/begin        (B holds the VIP's packets)
//   2 A /address/release, B /address/take        (traffic now reaches B and is held)
//   3 A /rows/export, B /rows/import, A /rows/delete
//   4 A /vip/forget, B /migration/finish         (B releases the held packets)
// Failover from a dead A: A's calls are fire-and-forget (sent, not awaited: a killed node's
// address may not even answer ARP, and every wait would lengthen the outage); step 3 takes the
// rows from the copy stores (or, V14, from A if it still answers within deadCallTimeoutMs; V1,
// the servers' TCP tables).
// V2 (`state-first`, failover only): 1, 3, 2, 4 — rows are in place before traffic arrives.
//
// Every step has one deadline (stepTimeoutMs from its first call). A required call that fails
// or misses it ends the move and starts the rollback (see rollbackTemplates).
import type { AccessRow, BalancerPath } from '../protocol.js';
import { rowKey } from '../copy-store/row-store.js';

export type Step = 1 | 2 | 3 | 4;
export type MoveKind = 'planned' | 'failover';
export type FailoverRows = 'copy-store' | 'tcp-table' | 'balancer-then-copy-store' | 'none';
export type MoveOrder = 'address-first' | 'state-first';

export interface MoveSpec {
  vip: string;
  /** The current owner; absent for a VIP nobody holds (an orphan). */
  from?: string;
  to: string;
  kind: MoveKind;
  reason: string;
  /** Failover only: where step 3's rows come from. */
  rows?: FailoverRows;
  /** Failover only (V2). */
  order?: MoveOrder;
  /** A move found half done (controller restart): earlier calls may have happened. */
  resumed?: boolean;
  stepTimeoutMs: number;
  /** Upper bound for best-effort calls to a balancer believed dead. */
  deadCallTimeoutMs: number;
}

export type Op =
  /** `detached`: send it and report {ok: false} at once; its real result may come later (onLateResult). */
  | { kind: 'balancer'; phase: 'move' | 'rollback'; step: Step; balancer: string; party: 'from' | 'to'; path: BalancerPath; body: unknown; required: boolean; detached: boolean; deadlineMs: number }
  | { kind: 'copy-rows'; phase: 'move'; step: 3; vip: string; source: 'copy' | 'tcp-table'; required: true; deadlineMs: number };

export type OpResult = { ok: true; reply: unknown } | { ok: false; error: string };

export interface MigrationEvent {
  event: 'migration-start' | 'migration-step' | 'rollback' | 'migration-done';
  data: Record<string, unknown>;
}

export type MigrationState = 'running' | 'done' | 'rolled-back' | 'failed';

/** A resumed move (found half done at start) may have done steps 2 and 3 before the restart; a source that still lists the VIP has not forgotten it. */
const RESUMED_MAYBE = new Set(['to:/address/take', 'to:/rows/import', 'from:/address/release', 'from:/rows/delete']);

interface Template {
  step: Step;
  party: 'from' | 'to';
  path?: BalancerPath;
  copy?: 'copy' | 'tcp-table';
  required: boolean;
  /** Best-effort call to a balancer believed dead: short deadline. */
  dead?: boolean;
  /** Not awaited (implies best effort): cleanup or a courtesy to a balancer believed dead. */
  detached?: boolean;
  collectRows?: boolean;
  skip?: () => boolean;
}

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
  private stepStartMs: number | undefined;
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
    this.pending.push({ event: 'migration-start', data: { vip: spec.vip, from: spec.from ?? null, to: spec.to, kind: spec.kind, reason: spec.reason, ...(spec.kind === 'failover' ? { rows: spec.rows, order: spec.order } : {}), ...(spec.resumed ? { resumed: true } : {}) } });
  }

  get status() {
    return { vip: this.spec.vip, from: this.spec.from ?? null, to: this.spec.to, kind: this.spec.kind, state: this.state, phase: this.phase, step: this.currentStep ?? null, startMs: this.startMs, rows: this.rows.size };
  }

  /** The move's result once it is no longer running. */
  outcome() {
    return { state: this.state, owner: this.owner ?? null, failedStep: this.failedStep ?? null, error: this.failure ?? null, rows: this.rows.size };
  }

  /** Events produced since the last call (start, steps, rollback, done). */
  drainEvents(): MigrationEvent[] {
    return this.pending.splice(0);
  }

  /** The next call to make, or undefined when the move is over. */
  next(nowMs: number): Op | undefined {
    while (this.state === 'running' && this.index < this.plan.length) {
      const t = this.plan[this.index]!;
      const balancer = t.party === 'from' ? this.spec.from : this.spec.to;
      if (t.skip?.() || (t.path && balancer === undefined)) {
        this.index++;
        this.closeStepIfLast(nowMs);
        continue;
      }
      if (this.currentStep !== t.step || this.stepStartMs === undefined) {
        this.currentStep = t.step;
        this.stepStartMs = nowMs;
      }
      const stepDeadline = this.phase === 'move' ? this.stepStartMs + this.spec.stepTimeoutMs : nowMs + this.spec.stepTimeoutMs;
      const deadlineMs = t.dead ? Math.min(stepDeadline, nowMs + this.spec.deadCallTimeoutMs) : stepDeadline;
      if (t.copy) return { kind: 'copy-rows', phase: 'move', step: 3, vip: this.spec.vip, source: t.copy, required: true, deadlineMs };
      this.issued.add(`${t.party}:${t.path}`);
      return { kind: 'balancer', phase: this.phase, step: t.step, balancer: balancer!, party: t.party, path: t.path!, body: this.bodyFor(t.path!), required: t.required, detached: t.detached === true, deadlineMs };
    }
    if (this.state === 'running') this.finish(nowMs);
    return undefined;
  }

  onResult(op: Op, result: OpResult, nowMs: number): void {
    const t = this.plan[this.index];
    if (this.state !== 'running' || !t) return;
    if (result.ok) {
      if (t.path) this.succeeded.add(`${t.party}:${t.path}`);
      if (t.collectRows) this.collect(result.reply);
    } else if (op.required) {
      if (this.phase === 'move') return this.startRollback(op.step, `${op.kind === 'balancer' ? `${op.balancer} ${op.path}` : `copy stores ${op.source}`}: ${result.error}`, nowMs);
      this.state = 'failed';
      this.failure = `${this.failure}; rollback: ${op.kind === 'balancer' ? `${op.balancer} ${op.path}` : op.source}: ${result.error}`;
      this.owner = undefined;
      return this.finish(nowMs);
    }
    this.index++;
    this.closeStepIfLast(nowMs);
  }

  /** The answer to a detached call, whenever it comes: a "dead" source that answers is alive after all. */
  onLateResult(op: Op, result: OpResult): void {
    if (op.kind === 'balancer' && result.ok) this.succeeded.add(`${op.party}:${op.path}`);
  }

  private bodyFor(path: BalancerPath): unknown {
    return path === '/rows/import' ? { vip: this.spec.vip, rows: [...this.rows.values()] } : { vip: this.spec.vip };
  }

  private collect(reply: unknown): void {
    const rows = (reply as { rows?: AccessRow[] }).rows ?? [];
    for (const r of rows) this.rows.set(rowKey(r), r);
    this.rowsCollected = true;
  }

  /** Emits the step's event once its last call is answered (skipped calls do not count). */
  private closeStepIfLast(nowMs: number): void {
    if (this.phase !== 'move' || this.currentStep === undefined) return;
    const rest = this.plan.slice(this.index);
    const nextStep = rest.find((t) => !(t.skip?.() || (t.path && (t.party === 'from' ? this.spec.from : this.spec.to) === undefined)))?.step;
    if (nextStep === this.currentStep) return;
    this.stepEvent(this.currentStep, true, nowMs);
    this.stepStartMs = undefined;
    this.currentStep = undefined;
  }

  private stepEvent(step: Step, ok: boolean, nowMs: number, error?: string): void {
    this.pending.push({
      event: 'migration-step',
      data: { vip: this.spec.vip, step, from: this.spec.from ?? null, to: this.spec.to, ok, ms: nowMs - (this.stepStartMs ?? nowMs), kind: this.spec.kind, ...(step === 3 ? { rows: this.rows.size } : {}), ...(error ? { error } : {}) },
    });
  }

  private startRollback(step: Step, error: string, nowMs: number): void {
    this.stepEvent(step, false, nowMs, error);
    this.failedStep = step;
    this.failure = error;
    this.phase = 'rollback';
    this.rollbackStartMs = nowMs;
    const issued = (key: string) => this.issued.has(key) || (this.spec.resumed === true && RESUMED_MAYBE.has(key));
    this.plan = rollbackTemplates(this.spec, issued, (key) => this.succeeded.has(key), () => this.rows.size > 0);
    this.index = 0;
    this.currentStep = undefined;
    this.stepStartMs = undefined;
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
      this.pending.push({ event: 'rollback', data: { vip: this.spec.vip, from: this.spec.from ?? null, to: this.spec.to, kind: this.spec.kind, failedStep: this.failedStep, ok: this.state === 'rolled-back', owner: this.owner ?? null, ms: nowMs - this.rollbackStartMs, error: this.failure } });
    }
    this.pending.push({ event: 'migration-done', data: { vip: this.spec.vip, from: this.spec.from ?? null, to: this.spec.to, kind: this.spec.kind, ok: this.state === 'done', state: this.state, owner: this.owner ?? null, ms: nowMs - this.startMs, rows: this.rows.size } });
  }
}

const moveTemplates = (spec: MoveSpec, rowsCollected: () => boolean): Template[] => {
  const planned = spec.kind === 'planned';
  // In a failover the source is believed dead: its calls may not hold the move up.
  const src = planned ? { required: true } : { required: false, dead: true, detached: true };
  const step1: Template[] = [{ step: 1, party: 'to', path: '/migration/begin', required: true }];
  const step2: Template[] = [
    { step: 2, party: 'from', path: '/address/release', ...src },
    { step: 2, party: 'to', path: '/address/take', required: true },
  ];
  const rows = spec.rows ?? 'copy-store';
  const step3: Template[] = planned
    ? [
      { step: 3, party: 'from', path: '/rows/export', required: true, collectRows: true },
      { step: 3, party: 'to', path: '/rows/import', required: true },
      { step: 3, party: 'from', path: '/rows/delete', required: true },
    ]
    : rows === 'none'
      ? []
      : [
        ...(rows === 'balancer-then-copy-store' ? [{ step: 3, party: 'from', path: '/rows/export', required: false, dead: true, collectRows: true } as Template] : []),
        { step: 3, party: 'to', copy: rows === 'tcp-table' ? 'tcp-table' : 'copy', required: true, collectRows: true, skip: rowsCollected },
        { step: 3, party: 'to', path: '/rows/import', required: true },
      ];
  const step4: Template[] = [
    { step: 4, party: 'from', path: '/vip/forget', ...src },
    { step: 4, party: 'to', path: '/migration/finish', required: true },
  ];
  const stateFirst = !planned && spec.order === 'state-first';
  return stateFirst ? [...step1, ...step3, ...step2, ...step4] : [...step1, ...step2, ...step3, ...step4];
};

/**
 * After a failed required call. Planned move: the source is the consistent owner. It gets back
 * what it gave first (its mode-table entry if it had already forgotten the VIP, the address,
 * the rows from the controller's memory), then the target gives back what it took (address,
 * rows, mode-table entry) without being waited for — it may be the one that died, and the
 * outage lasts until the source holds the address again. A resumed move has no rows in memory:
 * the target's rows are read first. Failover: the target cleans up and the VIP stays without
 * an owner (retried later), unless the "dead" source answered after all: then it takes the
 * address back.
 */
const rollbackTemplates = (spec: MoveSpec, issued: (key: string) => boolean, succeeded: (key: string) => boolean, haveRows: () => boolean): Template[] => {
  const t: Template[] = [];
  const step = 1 as Step; // rollback calls are not numbered steps; the event says which step failed
  const cleanup = { party: 'to', required: false, detached: true } as const;
  if (spec.kind === 'planned') {
    if (spec.resumed && issued('to:/rows/import')) t.push({ step, party: 'to', path: '/rows/export', required: false, collectRows: true });
    const forgot = issued('from:/vip/forget');
    if (forgot) t.push({ step, party: 'from', path: '/migration/begin', required: true });
    if (issued('from:/address/release')) t.push({ step, party: 'from', path: '/address/take', required: true });
    if (issued('from:/rows/delete')) t.push({ step, party: 'from', path: '/rows/import', required: true, skip: () => !haveRows() });
    if (forgot) t.push({ step, party: 'from', path: '/migration/finish', required: true });
  } else if (spec.from !== undefined && (succeeded('from:/address/release') || succeeded('from:/rows/export'))) {
    t.push({ step, party: 'from', path: '/address/take', required: false });
  }
  if (issued('to:/address/take')) t.push({ step, path: '/address/release', ...cleanup });
  if (issued('to:/rows/import')) t.push({ step, path: '/rows/delete', ...cleanup });
  t.push({ step, path: '/migration/abort', ...cleanup });
  return t;
};

const rollbackOwner = (spec: MoveSpec, succeeded: (key: string) => boolean): string | undefined => {
  if (spec.kind === 'planned') return spec.from;
  return succeeded('from:/address/take') ? spec.from : undefined;
};
