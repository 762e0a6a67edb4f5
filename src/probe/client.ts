// The probe client: runs N streams (one connection each) for a bounded time and returns the
// per-stream summary. One pacer and one liveness timer serve all streams, so 1,000 streams
// cost a handful of wake-ups per tick, not 1,000 timers.
import { systemClock, type Clock } from '../common/clock.js';
import { TestbedError } from '../common/errors.js';
import { ProbeUsageError } from './cli-options.js';
import { makeEmit, type Emit } from './events.js';
import { warmUpSocketQueue } from '../kernel/socket-queue.js';
import { ArrivalStamp } from './arrival-stamp.js';
import { ClientStream } from './client-stream.js';
import { Pacer } from './pattern-sender.js';
import { MIN_PACER_TICK_MS, PACER_TICK_MS, pacerTickMs, RECONNECT_BACKOFF_MS } from './timing.js';
import type { Direction, ProbeEvent, ProbeSummary } from './probe-report.js';

export interface ProbeClientOptions {
  host: string;
  port: number;
  /** Source address to bind (e.g. to pick one of several interfaces). */
  localAddress?: string;
  streams: number;
  firstStreamId?: number;
  direction: Direction;
  /** Bytes/s per stream; 0 = as fast as the path allows. */
  rate: number;
  durationMs: number;
  stallMs?: number;
  /** Default: stallMs. */
  pingTimeoutMs?: number;
  gapThresholdMs?: number;
  /**
   * The pacer's period (MIN_PACER_TICK_MS–PACER_TICK_MS); default: pacerTickMs of the stream
   * count. An echo stream's gaps are seen from 3 ticks on, so 200 streams at the default 20 ms
   * cannot show a 50 ms gap; a finer tick buys that resolution with more writes per second.
   */
  pacerTickMs?: number;
  reconnect?: boolean;
  connectTimeoutMs?: number;
  /** The wait after the first failed reconnect try; default RECONNECT_BACKOFF_MS. */
  reconnectBackoffMs?: number;
  /** Per-stream 'progress' events at this period (≥ 1000 ms); 0 or undefined = none. */
  progressMs?: number;
  node?: string;
  onEvent?: (event: ProbeEvent) => void;
  clock?: Clock;
}

export const CLIENT_DEFAULTS = { stallMs: 1000, gapThresholdMs: 100, connectTimeoutMs: 3000, firstStreamId: 1 } as const;

export class ProbeClient {
  private readonly clock: Clock;
  private readonly pacer: Pacer;
  private readonly arrival: ArrivalStamp;
  private readonly emit: Emit;
  private readonly streams: ClientStream[] = [];
  private finish: (() => void) | undefined;
  private started = false;

  constructor(private readonly options: ProbeClientOptions) {
    const first = options.firstStreamId ?? CLIENT_DEFAULTS.firstStreamId;
    if (!Number.isInteger(options.streams) || options.streams < 1 || first + options.streams - 1 > 0xffffffff) {
      throw new ProbeUsageError(`streams ${first}..${first + options.streams - 1} do not fit stream ids (u32)`);
    }
    if (!(options.durationMs > 0)) throw new ProbeUsageError('the run needs a positive duration');
    this.clock = options.clock ?? systemClock;
    const tick = options.pacerTickMs;
    if (tick !== undefined && !(Number.isInteger(tick) && tick >= MIN_PACER_TICK_MS && tick <= PACER_TICK_MS)) {
      throw new ProbeUsageError(`pacer tick ${tick} ms: expected a whole number of ms from ${MIN_PACER_TICK_MS} to ${PACER_TICK_MS}`);
    }
    this.pacer = new Pacer(this.clock, tick);
    this.arrival = new ArrivalStamp(this.clock);
    this.emit = makeEmit('probe-client', options.node, options.onEvent ?? (() => {}), this.clock);
  }

  private lastSweep: number | undefined;

  /** A stream's silence is ending at `now`: date what the other silent streams already have waiting (once per wake-up). */
  private readonly sweep = (now: number): void => {
    if (now === this.lastSweep) return;
    this.lastSweep = now;
    for (const s of this.streams) s.markQueued(now);
  };

  /** Runs until the duration is over or stop() is called; resolves with the summary. */
  async run(): Promise<ProbeSummary> {
    if (this.started) throw new TestbedError('PROBE_CLIENT_REUSED', 'a ProbeClient runs once');
    this.started = true;
    warmUpSocketQueue();
    const o = this.options;
    const stallMs = o.stallMs ?? CLIENT_DEFAULTS.stallMs;
    const pingTimeoutMs = o.pingTimeoutMs ?? stallMs;
    const deadline = this.clock.nowMs() + o.durationMs;
    const first = o.firstStreamId ?? CLIENT_DEFAULTS.firstStreamId;
    for (let i = 0; i < o.streams; i++) {
      this.streams.push(
        new ClientStream(
          {
            host: o.host,
            port: o.port,
            localAddress: o.localAddress,
            stream: first + i,
            direction: o.direction,
            rate: o.rate,
            stallMs,
            pingTimeoutMs,
            gapThresholdMs: o.gapThresholdMs ?? CLIENT_DEFAULTS.gapThresholdMs,
            pacerTickMs: o.pacerTickMs ?? pacerTickMs(o.streams),
            reconnect: o.reconnect ?? true,
            connectTimeoutMs: o.connectTimeoutMs ?? CLIENT_DEFAULTS.connectTimeoutMs,
            reconnectBackoffMs: o.reconnectBackoffMs ?? RECONNECT_BACKOFF_MS,
            deadline,
          },
          this.pacer,
          this.emit,
          this.clock,
          this.arrival,
          this.sweep,
        ),
      );
    }
    for (const s of this.streams) s.start();

    // Fine enough to honour the stall and ping timeouts within a few percent.
    const checkEvery = Math.max(5, Math.min(100, Math.min(stallMs, pingTimeoutMs) / 10));
    const progressEvery = o.progressMs ? Math.max(1000, o.progressMs) : 0;
    let lastProgress = this.clock.nowMs();
    const liveness = setInterval(() => {
      const now = this.clock.nowMs();
      for (const s of this.streams) s.check(now);
      if (progressEvery && now - lastProgress >= progressEvery) {
        lastProgress = now;
        for (const s of this.streams) this.emit(s.id, { event: 'progress', bytes: s.offset });
      }
    }, checkEvery);

    let ending: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.finish = resolve;
      ending = setTimeout(resolve, Math.max(0, deadline - this.clock.nowMs()));
    });
    clearTimeout(ending);
    clearInterval(liveness);
    const now = this.clock.nowMs();
    // The summary waits for the connections to close: a c2s server's last ACK is its final verdict.
    await Promise.all(this.streams.map((s) => s.stop(now)));
    const summary: ProbeSummary = {
      t: now,
      source: 'probe-client',
      ...(o.node === undefined ? {} : { node: o.node }),
      summary: this.streams.map((s) => s.summary()),
    };
    return summary;
  }

  /** Ends the run early (SIGTERM); run() then resolves with the summary so far. */
  stop(): void {
    this.finish?.();
  }
}
