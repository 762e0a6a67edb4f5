// history.jsonl keeps a repeat's whole history on disk so checkers and reports can be re-run
// offline (Jepsen's store). One JSON value per line, so it streams, greps and diffs well:
//   line 1      {"kind":"meta","format":"failover-lab-history","version":1,"startMs":..,"endMs":..}
//   then        one HistoryEntry per line, in history order
//   then        {"kind":"stream", ...WorkloadStreamSummary} per stream summary
//   then        {"kind":"flow", ...FlowSummary} per captured TCP flow (when captures were read)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TestbedError } from '../../common/errors.js';
import type { FlowSummary, HistoryEntry, RunHistory, WorkloadStreamSummary } from './history-types.js';

export const HISTORY_FORMAT = 'failover-lab-history';
export const HISTORY_VERSION = 1;

const ENTRY_KINDS = new Set(['fault', 'probe', 'daemon', 'runner', 'packet']);

export class HistoryFileError extends TestbedError {
  constructor(message: string) {
    super('HISTORY_FILE', message);
  }
}

export function serializeHistory(history: RunHistory): string {
  const meta = { kind: 'meta', format: HISTORY_FORMAT, version: HISTORY_VERSION, startMs: history.startMs, endMs: history.endMs };
  const lines = [JSON.stringify(meta)];
  for (const entry of history.entries) lines.push(JSON.stringify(entry));
  for (const stream of history.streams) lines.push(JSON.stringify({ kind: 'stream', ...stream }));
  for (const flow of history.flows ?? []) lines.push(JSON.stringify({ kind: 'flow', ...flow }));
  return `${lines.join('\n')}\n`;
}

/**
 * Reads back what serializeHistory wrote. A truncated last line (the writer was killed) is
 * dropped; any other bad line is an error naming the file and line, because a stored history
 * we wrote ourselves should never be garbled.
 */
export function parseHistory(text: string, file = 'history.jsonl'): RunHistory {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete) lines.pop();
  const entries: HistoryEntry[] = [];
  const streams: WorkloadStreamSummary[] = [];
  let flows: FlowSummary[] | undefined;
  let meta: { startMs: number; endMs: number } | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: { kind?: unknown; [key: string]: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch {
      if (i === lines.length - 1 && !complete) return;
      throw new HistoryFileError(`${file}:${i + 1}: not JSON`);
    }
    if (value.kind === 'meta') {
      if (value.format !== HISTORY_FORMAT || value.version !== HISTORY_VERSION) {
        throw new HistoryFileError(`${file}:${i + 1}: not a ${HISTORY_FORMAT} v${HISTORY_VERSION} file`);
      }
      meta = { startMs: Number(value.startMs), endMs: Number(value.endMs) };
    } else if (value.kind === 'stream') {
      const { kind: _kind, ...stream } = value;
      streams.push(stream as unknown as WorkloadStreamSummary); // written by serializeHistory
    } else if (value.kind === 'flow') {
      const { kind: _kind, ...flow } = value;
      (flows ??= []).push(flow as unknown as FlowSummary); // written by serializeHistory
    } else if (typeof value.kind === 'string' && ENTRY_KINDS.has(value.kind) && typeof value.t === 'number') {
      entries.push(value as unknown as HistoryEntry); // written by serializeHistory
    } else {
      throw new HistoryFileError(`${file}:${i + 1}: not a history entry (kind ${JSON.stringify(value.kind)})`);
    }
  });
  if (!meta) throw new HistoryFileError(`${file}: no meta line; not a ${HISTORY_FORMAT} file`);
  return { entries, streams, ...(flows ? { flows } : {}), startMs: meta.startMs, endMs: meta.endMs };
}

export async function writeHistory(path: string, history: RunHistory): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, serializeHistory(history), 'utf8');
}

export async function readHistory(path: string): Promise<RunHistory> {
  return parseHistory(await readFile(path, 'utf8'), path);
}
