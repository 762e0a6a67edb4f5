// The kernel's view (counters, rows, queue drops) is read by one loop in the background, and
// /status answers from its latest reading: a controller must not take a slow answer for a
// dead balancer. Counters (one small nfnetlink dump) every `intervalMs`, for the controller's
// byte rates; rows every `rowsEveryMs`: a conntrack dump walks the whole hash (7–10 ms with
// the event loop blocked, whatever it returns), and the row counts are only for people. No
// reading while a move is under way here.
import type { Clock } from '../../../common/clock.js';
import type { CounterValue } from '../../../kernel/nft-counters.js';
import type { AccessRow } from '../protocol.js';

export interface KernelReading {
  counters: Map<string, CounterValue>;
  rows: AccessRow[];
  /** Per NFQUEUE number: packets the kernel dropped because the queue was full. */
  drops: Map<number, number>;
}

export interface KernelSources {
  readCounters(): Map<string, CounterValue>;
  readRows(): Promise<AccessRow[]>;
  readDrops(): Promise<Map<number, number>>;
}

const EMPTY: KernelReading = { counters: new Map(), rows: [], drops: new Map() };

export class KernelReadings {
  private reading: KernelReading | undefined;
  private first: Promise<void> | undefined;
  private busy = false;
  private rowsReadAtMs = -Infinity;
  private rowsEveryMs = 1000;

  constructor(
    private readonly sources: KernelSources,
    private readonly moveUnderWay: () => boolean,
    private readonly clock: Clock,
  ) {}

  /** Starts the loop; returns its stop. */
  start(intervalMs: number, rowsEveryMs = 1000): () => void {
    this.rowsEveryMs = rowsEveryMs;
    this.first = this.read();
    const timer = setInterval(() => void this.read().catch(() => undefined), intervalMs);
    return () => clearInterval(timer);
  }

  /** The latest reading (the first one once it is in; empty if there is none). */
  async latest(): Promise<KernelReading> {
    if (!this.reading) await this.first;
    return this.reading ?? EMPTY;
  }

  /** One reading, unless one is running or a move is under way. */
  async read(): Promise<void> {
    if (this.busy || this.moveUnderWay()) return;
    this.busy = true;
    try {
      const counters = this.sources.readCounters();
      const rowsDue = this.clock.nowMs() - this.rowsReadAtMs >= this.rowsEveryMs || !this.reading;
      const rows = rowsDue ? await this.sources.readRows() : this.reading!.rows;
      if (rowsDue) this.rowsReadAtMs = this.clock.nowMs();
      this.reading = { counters, rows, drops: await this.sources.readDrops() };
    } finally {
      this.busy = false;
    }
  }
}
