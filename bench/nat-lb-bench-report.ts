// Pure: what nat-lb-bench.ts measured, as the series and notes of its result file, and the
// controller's own step timings read out of its event log. Apart from the bench's lab driving so
// that file is only what runs on the lab, and the figures' labels and targets are in one place.
import type { BenchRecorder } from './bench-result.js';

export interface ThroughputRuns {
  routed: number[];
  bare: number[];
  balancer: number[];
  ruleset: number[];
}

export interface Step3Run {
  total: number;
  export: number;
  import: number;
  delete: number;
}

export interface MoveRun {
  gaps: number[];
  resets: number;
  lost: number;
  failed: number;
  rows: number;
  ms: number;
}

/** Each step's time and each call's, from the controller's event log (JSON lines) for `vip`. */
export const controllerSteps = (log: string, vip: string) => {
  const events = log
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { event: string; vip?: string; step?: number; ms?: number; callsMs?: Record<string, number> }];
      } catch {
        return [];
      }
    })
    .filter((e) => e.event === 'migration-step' && e.vip === vip);
  const calls = new Map<string, number[]>();
  const steps = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, key: string, ms: number) => m.set(key, [...(m.get(key) ?? []), ms]);
  for (const e of events) {
    add(steps, `${e.step}:`, e.ms!);
    for (const [call, ms] of Object.entries(e.callsMs ?? {})) add(calls, call, ms);
  }
  return { calls, steps };
};

export const reportThroughput = (result: BenchRecorder, tp: ThroughputRuns): void => {
  const ratio = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!);
  result.add('iperf3 cl1→s1 via lb1, plain routing ("direct")', 'Gbit/s', tp.routed);
  result.add('iperf3 cl1→V1→s1, bare nft DNAT on lb1, no daemon', 'Gbit/s', tp.bare);
  result.add('iperf3 cl1→V1→s1, nat-balancer on lb1', 'Gbit/s', tp.balancer);
  result.add('iperf3 cl1→V1→s1, nat-balancer ruleset, daemon frozen', 'Gbit/s', tp.ruleset);
  result.add('nat-balancer / direct, per round', 'ratio', ratio(tp.balancer, tp.routed), '≥ 0.85');
  result.add('nat-balancer / bare DNAT, per round', 'ratio', ratio(tp.balancer, tp.bare));
  result.add('nat-balancer running / frozen, per round', 'ratio', ratio(tp.balancer, tp.ruleset));
};

/** `what` names the set-up (rows, copy stores); `pauseMs` the wait between moves. */
export const reportStep3 = (result: BenchRecorder, runs: readonly Step3Run[], what: string, pauseMs: number): void => {
  result.add(
    `${what}: export + import + delete`,
    'ms',
    runs.map((r) => r.total),
    '< 1000 ms',
  );
  for (const k of ['export', 'import', 'delete'] as const)
    result.add(
      `${what}: ${k}`,
      'ms',
      runs.map((r) => r[k]),
    );
  result.note(`step 3: ${runs.length} moves, ${pauseMs} ms apart`);
};

/** Planned moves under `streams` echo streams, with the controller's own timings (controllerSteps). */
export const reportMoves = (
  result: BenchRecorder,
  moves: readonly MoveRun[],
  timed: ReturnType<typeof controllerSteps>,
  streams: number,
): void => {
  result.add(
    `planned move: gap per stream (${streams} echo streams of 100 KB/s; gaps < 20 ms not counted)`,
    'ms',
    moves.flatMap((m) => m.gaps),
    'p95 ≤ 100 ms',
  );
  result.add(
    'planned move: worst stream per move',
    'ms',
    moves.map((m) => Math.max(...m.gaps)),
  );
  result.add(
    "planned move: the controller's four steps",
    'ms',
    moves.map((m) => m.ms),
  );
  const timings: [string, number[]][] = [
    ...[...timed.steps].map(([k, xs]): [string, number[]] => [`step ${k.replace(':', '')}`, xs]),
    ...timed.calls,
  ];
  for (const [k, xs] of timings) result.add(`planned move, controller: ${k}`, 'ms', xs);
  const total = (pick: (m: MoveRun) => number) => moves.reduce((n, m) => n + pick(m), 0);
  result.note(
    `planned moves: ${moves.length}; resets ${total((m) => m.resets)}, failed streams ${total((m) => m.failed)}, bytes lost ${total((m) => m.lost)} (target 0 / 0 / 0)`,
  );
};
