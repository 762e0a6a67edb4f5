// The balancer's step handlers (protocol.ts, one per migration step): the mode table decides,
// the data plane and the NFQUEUE hold carry it out, every step is an event. Steps run one at a
// time (step-queue.ts); the kernel is read in the background (kernel-readings.ts) for /status.
import { systemClock, type Clock } from '../../../common/clock.js';
import { ConflictError } from '../../shared/json-api.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { NfQueueHold, queueDrops } from '../../../kernel/nfqueue.js';
import type { AccessRow, BalancerStatus, NatMode } from '../protocol.js';
import { deleteRows, exportRows, importRows, readRows } from './access-table.js';
import type { BalancerConfig, VipConfig } from './balancer-config.js';
import { balancerStatus } from './balancer-status.js';
import { DataPlane } from './data-plane.js';
import { startFailoverKick } from './failover-kick.js';
import { KernelReadings } from './kernel-readings.js';
import { membershipOf, ModeTable, type StepResult } from './mode-table.js';
import { queueOf } from './nat-rules.js';
import { StepQueue } from './step-queue.js';
import { stopwatch } from '../../shared/step-stopwatch.js';

/** How long background readers stay quiet after a step call (a move's calls come 5–50 ms apart). */
const QUIET_AFTER_STEP_MS = 1000;

export class NatBalancer {
  readonly table: ModeTable;
  private readonly hold: NfQueueHold;
  private readonly plane: DataPlane;
  /** The rows last imported per VIP: the connections a finishing failover kicks. */
  private readonly imported = new Map<string, AccessRow[]>();
  private readonly steps: StepQueue;
  private readonly readings: KernelReadings;
  readonly counters: Record<string, number> = {
    released: 0,
    droppedHeld: 0,
    rowsExported: 0,
    rowsImported: 0,
    rowsDeleted: 0,
    copyPushes: 0,
    copyPushErrors: 0,
    holdOverflow: 0,
  };

  constructor(
    private readonly config: BalancerConfig,
    private readonly emit: EmitEvent,
    private readonly clock: Clock = systemClock,
  ) {
    this.table = new ModeTable(config.vips.filter((v) => v.owned).map((v) => v.vip));
    this.hold = new NfQueueHold(config.migration.queueMaxLength);
    this.plane = new DataPlane(config);
    this.steps = new StepQueue(clock);
    this.readings = new KernelReadings(
      {
        readCounters: () => this.plane.readCounters(),
        readRows: () => readRows(config.vips.map((v) => v.vip)),
        readDrops: queueDrops,
      },
      () => this.moveUnderWay(),
      clock,
    );
  }

  private get queueing(): boolean {
    return this.config.migration.hold === 'queue';
  }

  async start(): Promise<void> {
    await this.plane.install();
    for (const [vip] of this.table.list()) {
      this.apply(vip);
      await (
        await this.plane.takeAddresses(this.vipConfig(vip))
      ).rest;
    }
  }

  vipConfig(vip: string): VipConfig {
    const v = this.config.vips.find((x) => x.vip === vip);
    if (!v)
      throw new ConflictError(`VIP ${vip} is not in this balancer's config (it knows ${this.config.vips.map((x) => x.vip).join(', ')})`);
    return v;
  }

  private apply(vip: string): void {
    this.plane.setMembership(vip, membershipOf(this.table.get(vip)));
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    return this.steps.run(step);
  }

  /** Since a step call last started or ended here: the one clock every background reader defers to. */
  msSinceStep(): number {
    return this.steps.msSinceStep();
  }

  /**
   * Whether background readers (status readings, table reports) should hold off: a move is under
   * way here, or a step ran within QUIET_AFTER_STEP_MS (the next step of the same move is on its
   * way). Each reader's conntrack dump blocks the event loop for 7–10 ms; a step that lands
   * behind one keeps the held clients waiting.
   */
  moveUnderWay(): boolean {
    return this.msSinceStep() < QUIET_AFTER_STEP_MS || this.table.list().some(([, e]) => e.mode === 'migration');
  }

  private checked(r: StepResult): Extract<StepResult, { ok: true }> {
    if (!r.ok) throw new ConflictError(r.problem);
    return r;
  }

  begin = (vip: string) =>
    this.serial(async () => {
      this.vipConfig(vip);
      const r = this.checked(this.table.begin(vip));
      if (this.queueing) this.hold.bind(queueOf(this.config, vip));
      this.apply(vip);
      if (r.changed) this.emit('migration-begin', { vip, hold: this.config.migration.hold });
      return { vip, mode: 'migration' as NatMode };
    });

  take = (vip: string) =>
    this.serial(async () => {
      const v = this.vipConfig(vip);
      const lap = stopwatch(this.clock);
      this.checked(this.table.take(vip));
      // Rules first: the first packets the announcement draws here must meet the hold.
      this.apply(vip);
      lap('rules');
      const { garpFrames, rest } = await this.plane.takeAddresses(v);
      lap('address');
      void rest.catch((e: unknown) => this.emit('garp-error', { vip, error: (e as Error).message }));
      this.emit('address-take', { vip, inside: v.inside, garpSent: garpFrames, stagesMs: lap.laps });
      return { vip, garpSent: garpFrames };
    });

  release = (vip: string) =>
    this.serial(async () => {
      const v = this.vipConfig(vip);
      const r = this.checked(this.table.release(vip));
      this.apply(vip);
      this.plane.releaseAddresses(v);
      if (r.changed) this.emit('address-release', { vip, inside: v.inside });
      return { vip };
    });

  /** The access table as it is now (status API, not a step: no serial queue, no event). */
  async accessTable(vip: string | undefined): Promise<AccessRow[]> {
    if (vip !== undefined) this.vipConfig(vip);
    return readRows(vip !== undefined ? [vip] : this.config.vips.map((v) => v.vip));
  }

  exportRows = (vip: string) =>
    this.serial(async () => {
      this.vipConfig(vip);
      const started = this.clock.nowMs();
      const rows = await exportRows(vip);
      this.counters.rowsExported! += rows.length;
      this.emit('rows-export', { vip, rows: rows.length, ms: this.clock.nowMs() - started });
      return { vip, rows };
    });

  importRows = (vip: string, rows: AccessRow[]) =>
    this.serial(async () => {
      this.vipConfig(vip);
      const stray = rows.find((r) => r.vip !== vip);
      if (stray) throw new ConflictError(`a row for ${stray.clientIp}:${stray.clientPort} names VIP ${stray.vip}, not ${vip}`);
      const started = this.clock.nowMs();
      const imported = await importRows(vip, rows);
      this.imported.set(vip, rows);
      this.counters.rowsImported! += imported;
      this.emit('rows-import', { vip, rows: rows.length, imported, ms: this.clock.nowMs() - started });
      return { vip, imported };
    });

  deleteRows = (vip: string) =>
    this.serial(async () => {
      this.vipConfig(vip);
      const started = this.clock.nowMs();
      const deleted = await deleteRows(vip);
      this.counters.rowsDeleted! += deleted;
      this.emit('rows-delete', { vip, deleted, ms: this.clock.nowMs() - started });
      return { vip, deleted };
    });

  finish = (vip: string, kick = false) =>
    this.serial(async () => {
      const v = this.vipConfig(vip);
      const r = this.checked(this.table.finish(vip));
      let released = 0;
      let kicked: number | undefined;
      if (r.before?.mode === 'migration') {
        const started = this.clock.monotonicMs();
        const queue = queueOf(this.config, vip);
        const lap = stopwatch(this.clock);
        if (this.queueing) {
          // Serve first while still holding, release in order, then stop holding and let the
          // few packets queued meanwhile go too: nothing new overtakes the held backlog.
          this.plane.setMembership(vip, { known: true, serving: r.after!.addressUp, holding: true });
          lap('serve');
          released = this.hold.settle(queue, true);
          lap('release');
        }
        this.apply(vip);
        // Nothing new is marked now; what was queued since the first verdict goes at once, not
        // after unbinding (which reads a /proc file and waits for an ack: 10–20 ms under load,
        // and at 200 streams a few hundred packets arrive meanwhile).
        if (this.queueing) released += this.hold.settle(queue, true);
        lap('normal');
        if (this.queueing) released += await this.unbind(queue, true);
        lap('unbind');
        this.counters.released! += released;
        this.emit('migration-finish', { vip, released, ms: Math.round(this.clock.monotonicMs() - started), stagesMs: lap.laps });
        // Not awaited: the controller's next failover (another VIP) need not wait for these answers.
        if (kick) kicked = startFailoverKick(v, this.imported.get(vip) ?? [], this.clock, this.emit);
      }
      this.imported.delete(vip);
      return { vip, released, ...(kicked !== undefined ? { kicked } : {}) };
    });

  forget = (vip: string) =>
    this.serial(async () => {
      const v = this.vipConfig(vip);
      const r = this.table.forget(vip);
      if (!r.ok) throw new ConflictError(r.problem);
      // protocol.ts: the VIP leaves with any rows it still has (a late row would be a second row
      // of a connection the target now serves, and would be pushed to the copy store as ours).
      const { dropped, rows } = await this.letGo(v);
      if (r.changed || rows > 0) this.emit('vip-forget', { vip, ...(dropped ? { dropped } : {}), ...(rows ? { rowsDeleted: rows } : {}) });
      return { vip };
    });

  abort = (vip: string) =>
    this.serial(async () => {
      const v = this.vipConfig(vip);
      const r = this.checked(this.table.abort(vip));
      // protocol.ts: an abort drops the rows the failed move imported here, too.
      const { dropped, rows } = await this.letGo(v);
      if (r.changed || rows > 0) this.emit('migration-abort', { vip, dropped, rowsDeleted: rows });
      return { vip, dropped };
    });

  /** After the mode table let `vip` go: drop what it held, apply the rules, remove its addresses and rows. */
  private async letGo(v: VipConfig): Promise<{ dropped: number; rows: number }> {
    const { vip } = v;
    const dropped = this.queueing ? await this.unbind(queueOf(this.config, vip), false) : 0;
    this.counters.droppedHeld! += dropped;
    this.apply(vip);
    this.plane.releaseAddresses(v);
    const rows = await deleteRows(vip);
    this.counters.rowsDeleted! += rows;
    return { dropped, rows };
  }

  /** Kernel overflow counts vanish with the queue: keep them before unbinding. */
  private async unbind(queue: number, accept: boolean): Promise<number> {
    if (!this.hold.bound().includes(queue)) return 0;
    this.counters.holdOverflow! += (await queueDrops()).get(queue) ?? 0;
    return this.hold.unbind(queue, accept);
  }

  /** Reads pending hold notices (called on a short timer while something is held). */
  pollHold(): void {
    if (this.hold.bound().length > 0) this.hold.poll();
  }

  /** Starts reading the kernel in the background for /status (kernel-readings.ts); returns its stop. */
  startReadings(intervalMs: number, rowsEveryMs = 1000): () => void {
    return this.readings.start(intervalMs, rowsEveryMs);
  }

  async status(): Promise<BalancerStatus> {
    const reading = await this.readings.latest();
    this.pollHold();
    return balancerStatus({
      config: this.config,
      modes: this.table.list(),
      reading,
      held: (q) => this.hold.held(q),
      boundQueues: this.hold.bound(),
      counters: this.counters,
    });
  }

  /** Leaving on purpose: held packets are dropped (TCP retransmits them), addresses go. */
  async close(): Promise<void> {
    this.hold.close();
    for (const v of this.config.vips) {
      try {
        this.plane.releaseAddresses(v);
      } catch {
        // Leaving anyway: removeDataPlane and the node's end take the rest.
      }
    }
    this.plane.close();
  }
}
