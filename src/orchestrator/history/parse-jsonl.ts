// Probes and daemons write JSON lines to files inside containers; the runner collects them
// after the run. A process killed mid-write (the very faults we inject) leaves a truncated
// last line, which is expected and only noted; any other bad line becomes a runner 'error'
// entry naming file and line, so one garbled line never loses the rest of the evidence.
import type { DaemonEntry, HistoryEntry, RunnerEntry, WorkloadStreamSummary } from './history-types.js';
import { ProbeEventSchema, ProbeSummaryLineSchema, firstIssue } from './probe-event-schema.js';

export interface JsonlSource {
  /** Shown in error entries, e.g. `client1:/var/log/probe.jsonl`. */
  file: string;
  /** The lab node the file came from. */
  node: string;
}

export interface ParsedProbeLog {
  entries: HistoryEntry[];
  /** From the probe client's closing summary line, if it got to write one. */
  streams: WorkloadStreamSummary[];
}

/** What one line turned into: entries, or a problem to report. */
type LineResult = { entries: HistoryEntry[]; streams?: WorkloadStreamSummary[] } | { problem: string };

export function parseProbeJsonl(text: string, source: JsonlSource & { workload: string }): ParsedProbeLog {
  const streams: WorkloadStreamSummary[] = [];
  const entries = parseLines(
    text,
    source,
    (value) => {
      if (isRecord(value) && 'summary' in value) {
        const summary = ProbeSummaryLineSchema.safeParse(value);
        if (!summary.success) return { problem: `bad probe summary: ${firstIssue(summary.error)}` };
        return {
          entries: [],
          streams: summary.data.summary.map((s) => ({ ...s, workload: source.workload, node: source.node })),
        };
      }
      const parsed = ProbeEventSchema.safeParse(value);
      if (!parsed.success) return { problem: `bad probe event: ${firstIssue(parsed.error)}` };
      const event = parsed.data;
      return { entries: [{ t: event.t, kind: 'probe', node: source.node, workload: source.workload, event }] };
    },
    streams,
  );
  return { entries, streams };
}

/** Daemon lines are `{t, node, daemon, event, ...rest}`; `rest` becomes the entry's `data`. */
export function parseDaemonJsonl(text: string, source: JsonlSource): HistoryEntry[] {
  return parseLines(text, source, (value) => {
    if (!isRecord(value)) return { problem: 'not a JSON object' };
    const { t, node, daemon, event, ...data } = value;
    if (typeof t !== 'number' || !Number.isFinite(t)) return { problem: 'missing numeric "t"' };
    if (typeof daemon !== 'string') return { problem: 'missing string "daemon"' };
    if (typeof event !== 'string') return { problem: 'missing string "event"' };
    const entry: DaemonEntry = {
      t,
      kind: 'daemon',
      node: typeof node === 'string' ? node : source.node,
      daemon,
      event,
      data,
    };
    return { entries: [entry] };
  });
}

function parseLines(
  text: string,
  source: JsonlSource,
  toEntries: (value: unknown) => LineResult,
  streamsOut?: WorkloadStreamSummary[],
): HistoryEntry[] {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  // Problems are placed in time next to the nearest good line, so they show up where they happened.
  const out: (HistoryEntry | { line: number; problem: string })[] = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const number = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const isLast = i === lines.length - 1 && !endsWithNewline;
      out.push({ line: number, problem: isLast ? 'truncated last line ignored (writer stopped mid-line)' : `not JSON: ${clip(line)}` });
      return;
    }
    const result = toEntries(value);
    if ('problem' in result) out.push({ line: number, problem: result.problem });
    else {
      out.push(...result.entries);
      streamsOut?.push(...(result.streams ?? []));
    }
  });
  return out.map((item, i) => ('problem' in item ? problemEntry(item, source, nearestTime(out, i)) : item));
}

function problemEntry(item: { line: number; problem: string }, source: JsonlSource, t: number): RunnerEntry {
  const truncated = item.problem.startsWith('truncated');
  return { t, kind: 'runner', event: truncated ? 'warning' : 'error', detail: `${source.file}:${item.line}: ${item.problem}` };
}

function nearestTime(items: readonly (HistoryEntry | { line: number })[], index: number): number {
  for (let i = index - 1; i >= 0; i--) {
    const it = items[i];
    if (it && 't' in it) return it.t;
  }
  for (let i = index + 1; i < items.length; i++) {
    const it = items[i];
    if (it && 't' in it) return it.t;
  }
  return 0;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const clip = (line: string): string => (line.length > 80 ? `${line.slice(0, 77)}...` : line);
