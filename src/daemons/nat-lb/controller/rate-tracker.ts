// Per-VIP byte rates from successive /status polls (the patent's "traffic volume"). A VIP's
// counter lives on the balancer that owns it, so a move or a balancer restart starts its
// samples afresh instead of producing a negative or a huge rate.
interface Sample {
  bytes: number;
  atMs: number;
}

export class RateTracker {
  private readonly samples = new Map<string, { balancer: string; list: Sample[] }>();

  constructor(private readonly windowMs: number) {}

  observe(vip: string, balancer: string, bytes: number, atMs: number): void {
    const entry = this.samples.get(vip);
    const last = entry?.list.at(-1);
    if (!entry || entry.balancer !== balancer || (last && bytes < last.bytes)) {
      this.samples.set(vip, { balancer, list: [{ bytes, atMs }] });
      return;
    }
    if (last && atMs <= last.atMs) return;
    entry.list.push({ bytes, atMs });
    // Keep one sample at or beyond the window's start, so the rate always spans the window.
    while (entry.list.length > 2 && atMs - entry.list[1]!.atMs >= this.windowMs) entry.list.shift();
  }

  /** Bytes per second over the window; 0 until two samples exist. */
  rateBps(vip: string): number {
    const list = this.samples.get(vip)?.list;
    if (!list || list.length < 2) return 0;
    const first = list[0]!;
    const last = list.at(-1)!;
    return ((last.bytes - first.bytes) * 1000) / (last.atMs - first.atMs);
  }

  forget(vip: string): void {
    this.samples.delete(vip);
  }
}
