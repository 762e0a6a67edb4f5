// Throughput per stream over time, from the probe client's 'progress' events. `bytes` in a
// progress event is read as the stream's cumulative count of verified bytes; a drop is taken
// as a counter restart (e.g. a per-connection counter after a reconnect), like a Prometheus
// counter reset. Bytes between two samples are spread evenly over that interval, but never
// over more than two typical sample intervals, so a probe that only reports while data flows
// does not smear its first post-outage sample across the outage.
import type { RunHistory } from '../history/history-types.js';
import { streamLabel } from '../checker/stream-select.js';

export interface Throughput {
  /** Bin width in ms; bins start at the repeat's startMs. */
  binMs: number;
  binCount: number;
  /** Per stream label: bytes/s per bin, NaN where the stream was not running. */
  perStream: Map<string, Float64Array>;
}

type Sample = { t: number; bytes: number };

export function progressSamples(history: RunHistory): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const e of history.entries) {
    if (e.kind !== 'probe' || e.event.source !== 'probe-client' || e.event.event !== 'progress') continue;
    const label = streamLabel({ workload: e.workload, node: e.node, stream: e.event.stream });
    const list = out.get(label) ?? [];
    list.push({ t: e.t, bytes: e.event.bytes });
    out.set(label, list);
  }
  return out;
}

const BIN_STEPS = [10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export function computeThroughput(history: RunHistory, targetBins = 300): Throughput {
  const samples = progressSamples(history);
  const span = Math.max(history.endMs - history.startMs, 1);
  const intervals = [...samples.values()].map(medianInterval).filter((v) => v > 0);
  const typical = intervals.length ? intervals.sort((a, b) => a - b)[intervals.length >> 1]! : 0;
  const want = Math.max(span / targetBins, typical);
  const binMs = BIN_STEPS.find((s) => s >= want) ?? Math.ceil(want / 60_000) * 60_000;
  const binCount = Math.max(1, Math.ceil(span / binMs));
  const perStream = new Map<string, Float64Array>();
  for (const [label, list] of samples) perStream.set(label, binStream(list, history.startMs, binMs, binCount));
  return { binMs, binCount, perStream };
}

function binStream(list: readonly Sample[], t0: number, binMs: number, binCount: number): Float64Array {
  const bytes = new Float64Array(binCount);
  const cap = Math.max(2 * medianInterval(list), binMs);
  let prev: Sample | undefined;
  let firstT = Infinity;
  let lastT = -Infinity;
  for (const s of list) {
    const delta = prev === undefined || s.bytes < prev.bytes ? s.bytes : s.bytes - prev.bytes;
    const from = Math.max(prev?.t ?? -Infinity, s.t - cap);
    spread(bytes, delta, from - t0, s.t - t0, binMs);
    firstT = Math.min(firstT, from);
    lastT = Math.max(lastT, s.t);
    prev = s;
  }
  const rate = new Float64Array(binCount);
  for (let i = 0; i < binCount; i++) {
    const start = t0 + i * binMs;
    // Outside the sampled span the rate is unknown, not zero: keep it out of the envelope.
    const running = start + binMs > firstT && start < lastT;
    rate[i] = running ? (bytes[i]! * 1000) / binMs : NaN;
  }
  return rate;
}

/** Adds `amount` spread evenly over [fromMs, toMs) (relative to the first bin) into bins. */
function spread(bins: Float64Array, amount: number, fromMs: number, toMs: number, binMs: number): void {
  if (amount <= 0) return;
  if (toMs <= fromMs) {
    const i = Math.min(Math.max(Math.floor(toMs / binMs), 0), bins.length - 1);
    bins[i] = bins[i]! + amount;
    return;
  }
  const perMs = amount / (toMs - fromMs);
  const first = Math.max(Math.floor(fromMs / binMs), 0);
  const last = Math.min(Math.floor(toMs / binMs), bins.length - 1);
  for (let i = first; i <= last; i++) {
    const overlap = Math.min(toMs, (i + 1) * binMs) - Math.max(fromMs, i * binMs);
    if (overlap > 0) bins[i] = bins[i]! + overlap * perMs;
  }
}

function medianInterval(list: readonly Sample[]): number {
  const d: number[] = [];
  for (let i = 1; i < list.length; i++) d.push(list[i]!.t - list[i - 1]!.t);
  d.sort((a, b) => a - b);
  return d[d.length >> 1] ?? 0;
}

export interface Envelope {
  sum: Float64Array;
  min: Float64Array;
  median: Float64Array;
  max: Float64Array;
}

/** Per bin across running streams: total, and the per-stream min / median / max. */
export function envelope(t: Throughput): Envelope {
  const n = t.binCount;
  const out: Envelope = { sum: new Float64Array(n), min: new Float64Array(n), median: new Float64Array(n), max: new Float64Array(n) };
  const series = [...t.perStream.values()];
  for (let i = 0; i < n; i++) {
    const v = series
      .map((s) => s[i]!)
      .filter((x) => !Number.isNaN(x))
      .sort((a, b) => a - b);
    out.sum[i] = v.reduce((a, b) => a + b, 0);
    out.min[i] = v[0] ?? NaN;
    out.median[i] = v[v.length >> 1] ?? NaN;
    out.max[i] = v[v.length - 1] ?? NaN;
  }
  return out;
}
