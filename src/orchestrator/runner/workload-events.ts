// Turns the JSON lines of probes and daemons into history entries, and keeps the live
// figures the fault schedule's conditions read (streams established per workload).
import type { StreamSummary } from '../../probe/probe-report.js';
import type { DaemonEntry, HistoryEntry, ProbeEntry, WorkloadStreamSummary } from '../history/history-types.js';
import { ProbeEventSchema, StreamSummarySchema } from '../history/probe-event-schema.js';

export class WorkloadEvents {
  readonly summaries: WorkloadStreamSummary[] = [];
  private readonly established = new Map<string, Set<number>>();

  constructor(
    private readonly record: (entry: HistoryEntry) => void,
    private readonly warn: (line: string) => void,
  ) {}

  /**
   * Streams whose client reached 'established' at least once, in one workload or in all. The
   * servers' own 'established' lines do not count: summed in, they made a 1,000-stream trigger
   * fire with a hundred clients still connecting.
   */
  establishedCount(workload?: string): number {
    if (workload !== undefined) return this.established.get(workload)?.size ?? 0;
    let n = 0;
    for (const s of this.established.values()) n += s.size;
    return n;
  }

  probeLine(value: Record<string, unknown>, node: string, workload: string): void {
    if (Array.isArray(value.summary)) {
      for (const raw of value.summary) {
        const parsed = StreamSummarySchema.safeParse(raw);
        if (parsed.success) this.summaries.push({ ...(parsed.data as StreamSummary), workload, node });
        else this.warn(`${node}: malformed stream summary: ${parsed.error.issues[0]?.message ?? ''}`);
      }
      return;
    }
    const parsed = ProbeEventSchema.safeParse(value);
    if (!parsed.success) return this.warn(`${node}: unrecognised probe line: ${JSON.stringify(value).slice(0, 200)}`);
    const event = parsed.data as ProbeEntry['event'];
    if (event.event === 'established' && event.source === 'probe-client') {
      const set = this.established.get(workload) ?? new Set<number>();
      set.add(event.stream);
      this.established.set(workload, set);
    }
    this.record({ t: event.t, kind: 'probe', node, workload, event });
  }

  daemonLine(value: Record<string, unknown>, node: string, daemon: string): void {
    const { t, event, node: _node, daemon: _daemon, ...data } = value;
    if (typeof t !== 'number' || typeof event !== 'string')
      return this.warn(`${node}/${daemon}: event line without t or event: ${JSON.stringify(value).slice(0, 200)}`);
    const entry: DaemonEntry = { t, kind: 'daemon', node, daemon, event, data };
    this.record(entry);
  }
}
