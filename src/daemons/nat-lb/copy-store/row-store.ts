// The copy store's memory (seed 001, 53/54): per (balancer, VIP) the latest complete snapshot a
// balancer pushed. A read for a VIP merges every balancer's snapshot, because during and after a
// move two balancers may have pushed rows for it; where both hold the same connection the newer
// snapshot wins. Pure: time comes in as arguments.
import { rowKey, type AccessRow } from '../protocol.js';

interface Snapshot {
  balancer: string;
  vip: string;
  rows: AccessRow[];
  receivedMs: number;
}

export interface RowStoreOptions {
  /** Snapshots older than this are left out of reads (a balancer that stopped pushing); unset = kept. */
  maxAgeMs?: number;
}

export class RowStore {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly options: RowStoreOptions = {}) {}

  /** Replaces the balancer's previous snapshot for this VIP (an empty list clears it). */
  put(balancer: string, vip: string, rows: AccessRow[], nowMs: number): void {
    this.snapshots.set(`${balancer}|${vip}`, { balancer, vip, rows, receivedMs: nowMs });
  }

  rowsFor(vip: string, nowMs: number): AccessRow[] {
    const fresh = [...this.snapshots.values()]
      .filter((s) => s.vip === vip && !this.expired(s, nowMs))
      .sort((a, b) => a.receivedMs - b.receivedMs);
    const merged = new Map<string, AccessRow>();
    for (const s of fresh) for (const r of s.rows) merged.set(rowKey(r), r);
    return [...merged.values()];
  }

  status(nowMs: number) {
    return [...this.snapshots.values()].map((s) => ({
      balancer: s.balancer,
      vip: s.vip,
      rows: s.rows,
      ageMs: nowMs - s.receivedMs,
      expired: this.expired(s, nowMs),
    }));
  }

  private expired(s: Snapshot, nowMs: number): boolean {
    return this.options.maxAgeMs !== undefined && nowMs - s.receivedMs > this.options.maxAgeMs;
  }
}
