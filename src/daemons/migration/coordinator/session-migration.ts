// One session migration (seed 003, Fig. 7) as a pure state machine: it says which messages to
// send now, each with its deadline, and is told each acknowledgement; the coordinator's shell
// sends them. The order is the patent's and nothing else: the network switch request (S707)
// only after the switching end notice (S706), the resume request (S709) only after every
// network switch end notice. A failed or late step rolls back to the main server only
// (rollback-plan.ts says how), so the service never answers in two places.
import type { z } from 'zod';
import { describeIssue } from '../../shared/json-api.js';
import {
  AGENT_PATHS,
  agentStatusSchema,
  networkSwitchEndSchema,
  resumeEndSchema,
  rollbackEndSchema,
  switchEndSchema,
  type CoordinatorPhase,
  type ProcessRef,
  type StepId,
} from '../protocol.js';
import { resumeTargets, type MigrationPlan } from './migration-plan.js';
import { phaseOf, type Reached } from './keepalive.js';
import { networkCalls, rollbackAfter, type FailedAt } from './rollback-plan.js';

export type CallKind = 'switch-start' | 'network-switch' | 'resume' | 'status' | 'network-back' | 'server-rollback';

export interface Call {
  id: number;
  kind: CallKind;
  /** The Fig. 7 message this call is (forward calls only). */
  step?: StepId;
  /** An agent's or a gateway's name. */
  to: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Monotonic ms by which the acknowledgement must be in; the shell aborts the call then. */
  deadlineMs: number;
  attempt: number;
}

export type CallResult = { ok: true; reply: unknown } | { ok: false; error: string };
export type Outcome = 'running' | 'done' | 'rolled-back' | 'rolled-forward' | 'failed';
export interface MigrationEvent {
  event: 'migration-start' | 'message' | 'ack' | 'step-failed' | 'rollback' | 'rollback-failed' | 'migration-done';
  data: Record<string, unknown>;
}

export const COORDINATOR = 'coordinator';

/** The substeps the agent must report in S706, in order: S703 only with pause, S705 only with a VIP move or copy. */
export const expectedSubSteps = (plan: MigrationPlan): StepId[] => [
  ...(plan.pause ? (['S703'] as const) : []),
  'S704',
  ...(plan.vipMode === 'none' ? [] : (['S705'] as const)),
];

export class SessionMigration {
  private outcome: Outcome = 'running';
  private nextId = 1;
  private readonly ready: Omit<Call, 'id' | 'deadlineMs'>[] = [];
  private readonly inFlight = new Map<number, Call>();
  private readonly events: MigrationEvent[] = [];
  private processes: ProcessRef[] = [];
  private phase: 'forward' | 'status' | 'rollback' = 'forward';
  private rollbackQueue: Omit<Call, 'id' | 'deadlineMs'>[][] = [];
  private readonly startMs: number;
  private frozenAtMs: number | undefined;
  private failure: { step: StepId; error: string } | undefined;
  private readonly reached: Reached = { network: false, switched: false, resuming: false };

  constructor(
    readonly plan: MigrationPlan,
    nowMs: number,
  ) {
    this.startMs = nowMs;
    const t = plan.trigger;
    this.emit('migration-start', { migration: plan.id, trigger: t, vip: plan.vip, pause: plan.pause, vipMode: plan.vipMode });
    this.message('S701', t.kind === 'load' ? plan.main.agent : t.by, COORDINATOR, { trigger: t.kind });
    // The negative test of §6 11 moves the users first; the patent's order moves the server first.
    if (plan.order === 'network-first') this.ready.push(...networkCalls(plan, 'forward'));
    else this.ready.push(this.switchStart());
  }

  /** The calls to send now (several only for parallel S707s and their rollback); each is sent once. */
  next(nowMs: number): Call[] {
    const out = this.ready.splice(0).map((c) => ({ ...c, id: this.nextId++, deadlineMs: nowMs + this.timeoutOf(c.kind) }));
    for (const c of out) {
      this.inFlight.set(c.id, c);
      this.reached.network ||= c.kind === 'network-switch';
      this.reached.resuming ||= c.kind === 'resume';
      if (c.step) this.message(c.step, COORDINATOR, c.to, (c.body ?? {}) as Record<string, unknown>);
    }
    return out;
  }

  onResult(call: Call, result: CallResult, nowMs: number): void {
    if (!this.inFlight.delete(call.id) || this.outcome !== 'running') return;
    const late = nowMs > call.deadlineMs;
    const error = !result.ok
      ? result.error
      : late
        ? `acknowledged ${Math.round(nowMs - call.deadlineMs)} ms after its deadline`
        : undefined;
    if (error === undefined) this.emit('ack', { migration: this.plan.id, kind: call.kind, step: call.step, from: call.to });
    if (this.phase === 'forward') this.forward(call, error, result, nowMs);
    else if (this.phase === 'status') this.afterStatus(call, error, result, nowMs);
    else this.rollbackResult(call, error ?? this.rollbackReplyError(call, result), nowMs);
  }

  drainEvents(): MigrationEvent[] {
    return this.events.splice(0);
  }

  state(): { outcome: Outcome; inFlight: number; failure?: { step: StepId; error: string } } {
    return { outcome: this.outcome, inFlight: this.inFlight.size, ...(this.failure ? { failure: this.failure } : {}) };
  }

  /** What the keepalives say (agent/coordinator-watchdog.ts acts on the last one if they stop). */
  progress(): { phase: CoordinatorPhase; resume?: ProcessRef[] } {
    const phase = phaseOf(this.outcome === 'running', this.phase === 'forward', this.reached);
    return { phase, ...(this.processes.length > 0 ? { resume: resumeTargets(this.plan, this.processes) } : {}) };
  }

  private switchStart(): Omit<Call, 'id' | 'deadlineMs'> {
    const plan = this.plan;
    return {
      kind: 'switch-start',
      step: 'S702',
      to: plan.main.agent,
      method: 'POST',
      path: AGENT_PATHS.switchStart,
      body: {
        migration: plan.id,
        process: plan.process,
        mainRealIp: plan.main.realIp,
        backupRealIp: plan.backup.realIp,
        vip: plan.vip,
        pause: plan.pause,
        vipMode: plan.vipMode,
      },
      attempt: 1,
    };
  }

  /** Server and network both switched: resume (P1), or the end in no-pause mode. */
  private bothSwitched(nowMs: number): void {
    if (!this.plan.pause) return this.finish('done', nowMs);
    this.ready.push({
      kind: 'resume',
      step: 'S709',
      to: this.plan.main.agent,
      method: 'POST',
      path: AGENT_PATHS.resume,
      body: { migration: this.plan.id, processes: resumeTargets(this.plan, this.processes) },
      attempt: 1,
    });
  }

  private forward(call: Call, error: string | undefined, result: CallResult, nowMs: number): void {
    const step = call.step!;
    const reply = error === undefined && result.ok ? result.reply : undefined;
    const parsed = reply === undefined ? undefined : this.parseReply(step, reply);
    if (typeof parsed === 'string' || error !== undefined) return this.fail(step, call.to, error ?? (parsed as string), nowMs);
    if (step === 'S702') {
      const end = switchEndSchema.parse(reply);
      for (const s of end.steps) this.message(s.step, call.to, call.to, { startMs: s.startMs, endMs: s.endMs, ...s.detail });
      if (this.plan.pause) this.frozenAtMs = end.steps[0]!.startMs;
      this.processes = end.processes;
      this.message('S706', call.to, COORDINATOR, { processes: end.processes });
      if (this.plan.order === 'network-first') this.bothSwitched(nowMs);
      else this.ready.push(...networkCalls(this.plan, 'forward'));
    } else if (step === 'S707') {
      const end = networkSwitchEndSchema.parse(reply);
      this.message('S708', call.to, COORDINATOR, { switched: end.switched, announced: end.announced });
      if (this.inFlight.size > 0) return;
      this.reached.switched = true;
      if (this.plan.order === 'network-first') this.ready.push(this.switchStart());
      else this.bothSwitched(nowMs);
    } else {
      const end = resumeEndSchema.parse(reply);
      this.message('S710', this.plan.main.agent, this.plan.main.agent, { resumed: end.resumed });
      this.message('S711', call.to, COORDINATOR, { resumed: end.resumed });
      this.finish('done', nowMs);
    }
  }

  /** A reply that breaks the contract (wrong schema, wrong migration, substeps out of order) is a failed step. */
  private parseReply(step: StepId, reply: unknown): unknown {
    const schema: z.ZodTypeAny = step === 'S702' ? switchEndSchema : step === 'S707' ? networkSwitchEndSchema : resumeEndSchema;
    const r = schema.safeParse(reply);
    if (!r.success) return `invalid ${step} acknowledgement: ${describeIssue('reply', r.error.issues[0]!)}`;
    const data = r.data as { migration: string; steps?: { step: StepId }[] };
    if (data.migration !== this.plan.id) return `acknowledgement of migration '${data.migration}', not '${this.plan.id}'`;
    if (data.steps) {
      const got = data.steps.map((s) => s.step).join(',');
      const want = expectedSubSteps(this.plan).join(',');
      if (got !== want) return `the agent reported steps [${got}], expected [${want}] in that order`;
    }
    return r.data;
  }

  private fail(step: StepId, to: string, error: string, nowMs: number): void {
    this.failure = { step, error };
    this.emit('step-failed', { migration: this.plan.id, step, to, error });
    // Parallel S707s still out: their answers no longer matter, the rollback switches every user back.
    this.inFlight.clear();
    // Network first: a failed switching step finds the users already moved.
    const failedAt: FailedAt =
      step === 'S702' ? (this.plan.order === 'network-first' ? 'network' : 'switching') : step === 'S707' ? 'network' : 'resume';
    if (failedAt === 'resume') {
      this.phase = 'status';
      this.ready.push({ kind: 'status', to: this.plan.main.agent, method: 'GET', path: AGENT_PATHS.status, attempt: 1 });
      return;
    }
    this.startRollback(failedAt, nowMs);
  }

  /** After a failed resume: if the backup runs unfrozen it may already have sent data, so going back would break the stream. */
  private afterStatus(call: Call, error: string | undefined, result: CallResult, nowMs: number): void {
    const status = error === undefined && result.ok ? agentStatusSchema.safeParse(result.reply) : undefined;
    const running = status?.success === true && !status.data.frozen;
    const at = status?.success === true ? status.data.serviceAt : 'unknown';
    if (running && (at === 'backup' || (at === 'both' && this.plan.vipMode === 'copy'))) {
      this.emit('rollback', { migration: this.plan.id, after: 'resume', decision: 'forward', serviceAt: at });
      return this.finish('rolled-forward', nowMs);
    }
    this.emit('rollback', { migration: this.plan.id, after: 'resume', decision: 'back', serviceAt: at, asked: call.to });
    this.startRollback('resume', nowMs);
  }

  private startRollback(failedAt: FailedAt, nowMs: number): void {
    this.phase = 'rollback';
    this.rollbackQueue = rollbackAfter(this.plan, failedAt);
    this.emit('rollback', {
      migration: this.plan.id,
      after: failedAt,
      decision: 'back',
      calls: this.rollbackQueue.flat().map((c) => `${c.to} ${c.path}`),
    });
    this.nextRollbackBatch(nowMs);
  }

  private nextRollbackBatch(nowMs: number): void {
    const batch = this.rollbackQueue.shift();
    if (!batch) return this.finish('rolled-back', nowMs);
    this.ready.push(...batch);
  }

  private rollbackResult(call: Call, error: string | undefined, nowMs: number): void {
    if (error !== undefined) {
      if (call.attempt < this.plan.rollbackTries) {
        this.ready.push({ ...call, attempt: call.attempt + 1 });
        return;
      }
      this.emit('rollback-failed', { migration: this.plan.id, to: call.to, path: call.path, error, attempts: call.attempt });
      this.inFlight.clear();
      return this.finish('failed', nowMs);
    }
    if (this.inFlight.size === 0 && this.ready.length === 0) this.nextRollbackBatch(nowMs);
  }

  /** A server rollback is done only when the agent says the service answers at the main server again. */
  private rollbackReplyError(call: Call, result: CallResult): string | undefined {
    if (call.kind !== 'server-rollback' || !result.ok) return undefined;
    const r = rollbackEndSchema.safeParse(result.reply);
    if (!r.success) return `invalid rollback acknowledgement: ${describeIssue('reply', r.error.issues[0]!)}`;
    return r.data.migration === this.plan.id ? undefined : `rollback acknowledged for '${r.data.migration}', not '${this.plan.id}'`;
  }

  private finish(outcome: Exclude<Outcome, 'running'>, nowMs: number): void {
    this.outcome = outcome;
    if (outcome === 'done') this.message('end', COORDINATOR, 'output', { processes: this.processes });
    this.emit('migration-done', {
      migration: this.plan.id,
      outcome,
      totalMs: Math.round(nowMs - this.startMs),
      answering: outcome === 'rolled-back' ? 'main' : outcome === 'failed' ? 'unknown' : this.plan.vipMode === 'copy' ? 'both' : 'backup',
      ...(this.failure ? { failedStep: this.failure.step, error: this.failure.error } : {}),
      ...(this.frozenAtMs !== undefined ? { frozenAtMs: this.frozenAtMs } : {}),
    });
  }

  private timeoutOf(kind: CallKind): number {
    const t = this.plan.timeouts;
    return kind === 'switch-start' ? t.switchMs : kind === 'network-switch' ? t.networkMs : kind === 'resume' ? t.resumeMs : t.rollbackMs;
  }

  private message(step: StepId | 'end', from: string, to: string, payload: Record<string, unknown>): void {
    this.emit('message', { migration: this.plan.id, step, from, to, payload });
  }

  private emit(event: MigrationEvent['event'], data: Record<string, unknown>): void {
    this.events.push({ event, data });
  }
}
