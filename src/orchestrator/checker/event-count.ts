// User invariants written as data in a scenario file: "count entries of the merged history
// that match this filter; the count must lie in [min, max]". Declarative filters keep
// scenario files free of code and keep the check re-runnable on a stored history.
import type { HistoryEntry, RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { entryWindow, type WindowSpec } from './entry-window.js';

type Scalar = string | number | boolean | null;

export interface EntryFilter {
  kind: HistoryEntry['kind'];
  /** probe: the probe event name; daemon and runner: the event; fault: the phase (start | end). */
  event?: string;
  /** probe and daemon: the node it ran on; packet: the capture point's node; fault: one of the fault's targets. */
  node?: string;
  /** daemon only. */
  daemon?: string;
  /** fault only: the nemesis name (`link-flap`) or the instance id (`flap-1`). */
  fault?: string;
  /** probe only. */
  workload?: string;
  /** probe only. */
  stream?: number;
  /** probe only: which side wrote the event. */
  source?: 'probe-client' | 'probe-server';
  /**
   * Field equality on the payload: daemon `data`, the probe event, or the fault/runner/packet
   * entry. A key with dots that is not itself a field names a nested one: `arp.op`, `arp.senderIp`.
   */
  where?: Record<string, Scalar>;
}

const APPLIES: Record<HistoryEntry['kind'], ReadonlySet<string>> = {
  fault: new Set(['event', 'node', 'fault', 'where']),
  probe: new Set(['event', 'node', 'workload', 'stream', 'source', 'where']),
  daemon: new Set(['event', 'node', 'daemon', 'where']),
  runner: new Set(['event', 'where']),
  packet: new Set(['node', 'where']),
};

/** Why a filter can never match as meant (a key that does not apply to its kind), if so. */
export function filterProblem(filter: EntryFilter): string | undefined {
  const keys = Object.keys(filter).filter((k) => k !== 'kind' && filter[k as keyof EntryFilter] !== undefined);
  const wrong = keys.filter((k) => !APPLIES[filter.kind].has(k));
  if (wrong.length === 0) return undefined;
  return `${wrong.join(', ')} does not apply to kind '${filter.kind}' (use ${[...APPLIES[filter.kind]].join(', ')})`;
}

export function matches(filter: EntryFilter, e: HistoryEntry): boolean {
  if (e.kind !== filter.kind) return false;
  const f = filter;
  switch (e.kind) {
    case 'fault':
      return (
        is(f.event, e.phase) &&
        (f.node === undefined || e.targets.includes(f.node)) &&
        (f.fault === undefined || f.fault === e.fault || f.fault === e.id) &&
        fieldsMatch(f.where, e)
      );
    case 'probe':
      return (
        is(f.event, e.event.event) &&
        is(f.node, e.node) &&
        is(f.workload, e.workload) &&
        is(f.stream, e.event.stream) &&
        is(f.source, e.event.source) &&
        fieldsMatch(f.where, e.event)
      );
    case 'daemon':
      return is(f.event, e.event) && is(f.node, e.node) && is(f.daemon, e.daemon) && fieldsMatch(f.where, e.data);
    case 'runner':
      return is(f.event, e.event) && fieldsMatch(f.where, e);
    case 'packet':
      return is(f.node, e.node) && fieldsMatch(f.where, e);
  }
}

const is = <T>(want: T | undefined, got: T): boolean => want === undefined || want === got;

function fieldsMatch(where: EntryFilter['where'], payload: object): boolean {
  if (!where) return true;
  return Object.entries(where).every(([key, value]) => field(payload, key) === value);
}

/** A field by name, else (for a dotted name) by path; a literal key with dots wins, so older filters keep their meaning. */
function field(payload: object, key: string): unknown {
  const record = payload as Record<string, unknown>;
  if (key in record || !key.includes('.')) return record[key];
  let value: unknown = payload;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function describeFilter(filter: EntryFilter): string {
  const { kind, where, ...rest } = filter;
  const parts = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`);
  if (where) parts.push(...Object.entries(where).map(([k, v]) => `${k}==${JSON.stringify(v)}`));
  return [kind, ...parts].join(' ');
}

export interface EventCountSpec extends EntryFilter, WindowSpec {
  min?: number;
  max?: number;
  /** Shown in reports; defaults to `count(<filter>)`. */
  name?: string;
}

/** Valid when the number of history entries matching the filter lies in [min, max]. */
export function eventCount(spec: EventCountSpec): Checker {
  const { min, max, name: givenName, after, until, ...filter } = spec;
  for (const [what, f] of [
    ['event count filter', filter],
    ['event count after', after],
    ['event count until', until],
  ] as const) {
    const problem = f && filterProblem(f);
    if (problem) throw new TypeError(`${what}: ${problem}`);
  }
  if (min === undefined && max === undefined) throw new TypeError('event count: give min or max');
  const name = givenName ?? `count(${describeFilter(filter)})`;
  const want = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
  return {
    name,
    check(history: RunHistory) {
      const w = entryWindow(history, { after, until });
      if ('missing' in w) return { name, valid: 'unknown', detail: `the window never opened: ${w.missing}` };
      const hits = history.entries.filter((e) => matches(filter, e) && w.window.contains(e));
      const n = hits.length;
      const valid = (min === undefined || n >= min) && (max === undefined || n <= max);
      const at = hits.slice(0, 3).map((e) => `+${((e.t - history.startMs) / 1000).toFixed(3)} s`);
      const when = n > 0 ? `; first at ${at.join(', ')}${n > 3 ? ', ...' : ''}` : '';
      const scope = w.window.text ? ` ${w.window.text}` : '';
      return { name, valid, detail: `${n} entries match ${describeFilter(filter)}${scope}, want ${want}${when}` };
    },
  };
}

/** Valid when no history entry matches the filter. */
export function never(filter: EntryFilter & WindowSpec & { name?: string }): Checker {
  const { name, ...rest } = filter;
  return eventCount({ ...rest, max: 0, name: name ?? `never(${describeFilter(rest)})` });
}

/** The payload a filter's `where` reads, for any entry kind. */
const payloadOf = (e: HistoryEntry): object => (e.kind === 'daemon' ? e.data : e.kind === 'probe' ? e.event : e);

export interface EventSequenceSpec extends EntryFilter {
  /** The payload field whose values, in history order, must be exactly `equals` (a message sequence). */
  field: string;
  equals: readonly (string | number)[];
  name?: string;
}

/** Valid when the matching entries' `field` values, in history order, are exactly `equals`: nothing missing, extra or out of order. */
export function eventSequence(spec: EventSequenceSpec): Checker {
  const { field: key, equals, name: givenName, ...filter } = spec;
  const problem = filterProblem(filter);
  if (problem) throw new TypeError(`event sequence filter: ${problem}`);
  const name = givenName ?? `sequence(${describeFilter(filter)}).${key}`;
  return {
    name,
    check(history: RunHistory) {
      const got = history.entries.filter((e) => matches(filter, e)).map((e) => field(payloadOf(e), key));
      const valid = got.length === equals.length && got.every((v, i) => v === equals[i]);
      const show = (vs: readonly unknown[]) => vs.map((v) => String(v)).join(' → ') || '(none)';
      return { name, valid, detail: valid ? `${key}: ${show(got)}` : `${key}: got ${show(got)}, want ${show(equals)}` };
    },
  };
}
