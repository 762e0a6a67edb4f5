// What one repeat has seen so far: every history entry in arrival order, the faults still
// open (teardown heals them), the errors that stop it from counting as a clean run, and the
// probes' and daemons' JSON lines turned into entries.
import { systemClock, type Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import type { FlowSummary, HistoryEntry, RunHistory } from '../history/history-types.js';
import { mergeHistory } from '../history/merge-history.js';
import { WorkloadEvents } from './workload-events.js';

export class RepeatRecord {
  readonly entries: HistoryEntry[] = [];
  readonly errors: string[] = [];
  /** The captures' TCP flows, once read (undefined: none read). */
  flows: FlowSummary[] | undefined;
  readonly events: WorkloadEvents;
  readonly startMs: number;
  private readonly openFaults = new Set<string>();

  constructor(
    private readonly onEntry?: (entry: HistoryEntry) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.startMs = clock.nowMs();
    this.events = new WorkloadEvents(
      (e) => this.record(e),
      (line) => this.note('warning', line),
    );
  }

  record(entry: HistoryEntry): void {
    this.entries.push(entry);
    if (entry.kind === 'fault') {
      if (entry.phase === 'start') this.openFaults.add(entry.id);
      else this.openFaults.delete(entry.id);
    }
    this.onEntry?.(entry);
  }

  /** A runner event (deployed, workload-started, warning, ...). */
  note(event: string, detail?: string): void {
    this.record({ t: this.clock.nowMs(), kind: 'runner', event, ...(detail ? { detail } : {}) });
  }

  fail(context: string | undefined, error: unknown): void {
    this.errors.push(context ? `${context}: ${errorMessage(error)}` : errorMessage(error));
  }

  openFaultIds(): string[] {
    return [...this.openFaults];
  }

  /** Frames decoded after the run (ARP from the captures) join without the live callback. */
  addLate(entries: readonly HistoryEntry[]): void {
    this.entries.push(...entries);
  }

  history(): RunHistory {
    const history = mergeHistory({
      entries: [this.entries],
      streams: this.events.summaries,
      startMs: this.startMs,
      endMs: this.clock.nowMs(),
    });
    return this.flows ? { ...history, flows: this.flows } : history;
  }

  error(): string | undefined {
    return this.errors.length > 0 ? this.errors.join('; ') : undefined;
  }
}
