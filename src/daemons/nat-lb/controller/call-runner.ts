// The controller's hands: makes a Migration's calls (to a balancer, or to every copy store at
// once) and the calls of a dedupe repair, turning every failure into a result, never a throw.
import { errorMessage } from '../../../common/errors.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { rowKey, type AccessRow, type BalancerPath } from '../protocol.js';
import { ControlCallError, type ControlClient, type Endpoint } from './control-client.js';
import type { Op, OpResult } from './migration.js';
import type { Finding } from './repairs.js';

export class CallRunner {
  /** Per balancer: aborted when it is declared dead, so a call in flight to it fails at once. */
  private readonly lifelines = new Map<string, AbortController>();

  constructor(
    private readonly client: ControlClient,
    private readonly endpoints: ReadonlyMap<string, Endpoint>,
    private readonly stores: readonly Endpoint[],
    private readonly emit: EmitEvent,
    private readonly signal: AbortSignal,
    private readonly now: () => number,
  ) {}

  /**
   * `balancer` was declared dead: its calls in flight fail now with `reason` instead of running
   * out their step deadline (seconds, during which a half-made move leaves a VIP with no
   * address). Calls made from now on are not affected.
   */
  abandon(balancer: string, reason: string): void {
    this.lifelines.get(balancer)?.abort(new Error(reason));
    this.lifelines.delete(balancer);
  }

  private lifeline(balancer: string): AbortSignal {
    let line = this.lifelines.get(balancer);
    if (!line) {
      const created = new AbortController();
      this.signal.addEventListener('abort', () => created.abort(new Error('the controller is stopping')), { once: true });
      this.lifelines.set(balancer, (line = created));
    }
    return line.signal;
  }

  async execute(op: Op): Promise<OpResult> {
    const timeoutMs = Math.max(1, op.deadlineMs - this.now());
    try {
      if (op.kind === 'balancer') {
        return {
          ok: true,
          reply: await this.client.balancerOp(this.endpoints.get(op.balancer)!, op.path, op.body, timeoutMs, this.lifeline(op.balancer)),
        };
      }
      return { ok: true, reply: { rows: await this.storeRows(op.vip, op.source, timeoutMs) } };
    } catch (e) {
      // The migration names the call itself; keep only what went wrong.
      return { ok: false, error: e instanceof ControlCallError ? e.detail : errorMessage(e) };
    }
  }

  /** Every copy store at once; rows merged. Fails only if every store failed (none configured: no rows). */
  private async storeRows(vip: string, source: 'copy' | 'tcp-table', timeoutMs: number): Promise<AccessRow[]> {
    const results = await Promise.allSettled(this.stores.map((s) => this.client.storeRows(s, source, vip, timeoutMs, this.signal)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
    const rows = new Map<string, AccessRow>();
    for (const r of results) if (r.status === 'fulfilled') for (const row of r.value) rows.set(rowKey(row), row);
    this.emit('copy-rows', { vip, source, stores: this.stores.length, failed: failed.length, rows: rows.size });
    if (this.stores.length > 0 && failed.length === this.stores.length) throw new Error(`every copy store failed: ${failed.join('; ')}`);
    return [...rows.values()];
  }

  /** Several balancers claim the VIP: the kept one gets the others' rows, the others let go. */
  async dedupe(f: Extract<Finding, { kind: 'dedupe' }>, t: number): Promise<void> {
    const keep = this.endpoints.get(f.keep)!;
    const call = async (b: Endpoint, path: BalancerPath, body: unknown): Promise<unknown> => {
      try {
        return await this.client.balancerOp(b, path, body, t, this.signal);
      } catch (e) {
        return { error: errorMessage(e) };
      }
    };
    let moved = 0;
    for (const d of f.drop) {
      const b = this.endpoints.get(d.balancer)!;
      const rows = ((await call(b, '/rows/export', { vip: f.vip })) as { rows?: AccessRow[] }).rows ?? [];
      if (rows.length) moved += ((await call(keep, '/rows/import', { vip: f.vip, rows })) as { imported?: number }).imported ?? 0;
      await call(b, '/address/release', { vip: f.vip });
      if (d.mode === 'normal') await call(b, '/vip/forget', { vip: f.vip });
      else {
        await call(b, '/rows/delete', { vip: f.vip });
        await call(b, '/migration/abort', { vip: f.vip });
      }
    }
    const announced = f.keepMode === 'normal' ? await call(keep, '/address/take', { vip: f.vip }) : undefined;
    // Narrowed, not cast: eslint --fix drops the `as object` cast that tsc needs before `in`.
    const refused = typeof announced === 'object' && announced !== null && 'error' in announced ? announced.error : undefined;
    this.emit('repair', {
      vip: f.vip,
      kind: 'dedupe',
      keep: f.keep,
      dropped: f.drop.map((d) => d.balancer),
      rowsMoved: moved,
      ...(refused !== undefined ? { error: refused } : {}),
    });
  }
}
