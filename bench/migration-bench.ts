// `make bench` (session migration, issue #13): the probe path's pause against the number of
// connections moved, beside the cold-migration baseline's gap, on the migration lab.
//   pause: agent A's freeze (S703 start) → the service resumed at srvB (S710, after srvB's probe
//          server rebuilt every connection): what the patent's order costs the service;
//   gap:   the client's longest application gap over every stream: what the user sees;
//   total: the coordinator's S701 → end (migration-done totalMs).
// The cold baseline (stop at A, VIP to B, clients reconnect) has no freeze: its gap is the figure.
// The CRIU rows move the probe server itself (criu-probe, 1 to 1,000 streams) and an unmodified
// socat server (criu-socat: its gap is the captured flow's). Queued bytes: what the service's
// connections held in their send queues at the freeze; an unpaced row fills them.
// MIGRATION_REPEATS (3) repeats per scenario; one value per repeat.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/common/logger.js';
import { silentProgress } from '../src/common/progress.js';
import type { RunHistory } from '../src/orchestrator/history/history-types.js';
import { readHistory } from '../src/orchestrator/history/history-store.js';
import { runScenario } from '../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile, parseScenarioText } from '../src/orchestrator/scenario/parse-scenario.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';
import { startBench } from './bench-result.js';
import { bounded } from './lab-bench-kit.js';

const REPEATS = bounded('MIGRATION_REPEATS', 3, 20);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A scenario file's text changed for one row: each change must find its text, or the bench stops. */
interface Variant {
  name: string;
  replace: [string, string][];
}
const CRIU_PROBE = 'scenarios/migration/criu-probe.yml';
const criuStreams = (streams: number, rate: string, extra: [string, string][] = []): Variant => ({
  name: `migration-criu-probe-${streams}`,
  replace: [['streams: 10\n', `streams: ${streams}\n`], ['rate: 200KB/s\n', `rate: ${rate}\n`], ...extra],
});
/**
 * 1,000 connections: the request once every stream is up (maintenance-1000 says why), time to
 * connect them, and a client that waits out CRIU's longer pause instead of dropping a stream
 * whose PING went unanswered for a second.
 */
const THOUSAND: [string, string][] = [
  ['  - at: 2s\n', '  - when: { streamsEstablished: 1000, delay: 1s }\n'],
  ['duration: 6s\n', 'duration: 10s\n'],
  ['reconnect: false\n', 'reconnect: false\n    pingTimeout: 10s\n'],
];

const RUNS: { file: string; label: string; variant?: Variant }[] = [
  { file: 'scenarios/migration/maintenance-1.yml', label: '1 stream' },
  { file: 'scenarios/migration/maintenance.yml', label: '10 streams' },
  { file: 'scenarios/migration/maintenance-100.yml', label: '100 streams' },
  { file: 'scenarios/migration/maintenance-1000.yml', label: '1,000 streams' },
  {
    file: 'scenarios/migration/maintenance.yml',
    label: '10 streams, unpaced',
    variant: { name: 'migration-maintenance-unpaced', replace: [['rate: 200KB/s\n', 'rate: 0\n']] },
  },
  { file: CRIU_PROBE, label: 'CRIU probe server, 1 stream', variant: criuStreams(1, '200KB/s') },
  { file: CRIU_PROBE, label: 'CRIU probe server, 10 streams' },
  { file: CRIU_PROBE, label: 'CRIU probe server, 100 streams', variant: criuStreams(100, '50KB/s') },
  { file: CRIU_PROBE, label: 'CRIU probe server, 1,000 streams', variant: criuStreams(1000, '1KB/s', THOUSAND) },
  {
    file: CRIU_PROBE,
    label: 'CRIU probe server, 10 streams, unpaced',
    variant: { name: 'migration-criu-probe-unpaced', replace: [['rate: 200KB/s\n', 'rate: 0\n']] },
  },
  { file: 'scenarios/migration/criu-socat.yml', label: 'CRIU, 1 socat connection' },
  { file: 'scenarios/migration-baseline/cold.yml', label: 'cold baseline, 10 streams' },
];

const scenarioOf = async (run: (typeof RUNS)[number]) => {
  const file = path.join(root, run.file);
  if (!run.variant) return parseScenarioFile(file);
  let text = await readFile(file, 'utf8');
  for (const [from, to] of [[/^name: .*$/m, `name: ${run.variant.name}`] as const, ...run.variant.replace]) {
    if (typeof from === 'string' ? !text.includes(from) : !from.test(text))
      throw new Error(`bench row '${run.label}': ${run.file} has no '${String(from).trim()}' to change`);
    text = text.replace(from, to);
  }
  return parseScenarioText(text, file);
};

const logger = createLogger({ level: 'warn' });
const ctx = { runtime: new DockerRuntime({ logger }), logger, progress: silentProgress() };

/** The coordinator's `message` event of `step`, its payload. */
const payloadOf = (h: RunHistory, step: string): Record<string, unknown> | undefined => {
  const e = h.entries.find((x) => x.kind === 'daemon' && x.event === 'message' && x.data.step === step);
  return e && e.kind === 'daemon' ? (e.data.payload as Record<string, unknown>) : undefined;
};

/** S703's start → S710's resume, both on agent A's clock; undefined without a freeze (cold, no-pause). */
const pauseMs = (h: RunHistory): number | undefined => {
  const frozen = payloadOf(h, 'S703')?.startMs;
  const resumed = (payloadOf(h, 'S710')?.resumed as { atMs: number }[] | undefined)?.[0]?.atMs;
  return typeof frozen === 'number' && typeof resumed === 'number' ? resumed - frozen : undefined;
};

const totalMs = (h: RunHistory): number | undefined => {
  const e = h.entries.find((x) => x.kind === 'daemon' && x.event === 'migration-done');
  return e && e.kind === 'daemon' && typeof e.data.totalMs === 'number' ? e.data.totalMs : undefined;
};

const result = startBench(
  'migration-bench',
  `Session migration on the migration lab (topologies/migration.clab.yml), ${REPEATS} repeats per row (\`MIGRATION_REPEATS\`), ` +
    's2c probe streams at 200 KB/s each (100 streams at 50 KB/s, 1,000 at 1 KB/s). pause: agent A freezes the probe server (S703) → srvB resumed every connection (S710), ' +
    "agent A's clock; gap: the client's longest application gap over all streams; total: the coordinator's S701 → end. " +
    'The cold baseline (stop at srvA, VIP to srvB, clients reconnect) has no freeze: its gap is its figure. ' +
    'The CRIU rows move the probe server itself (criu-probe, rates as above) and an unmodified socat server with one connection ' +
    "(criu-socat: its gap is the captured flow's at cl1). Unpaced rows (rate 0) fill the send queues; queued: what they held at the freeze (agent A's S704).",
);
for (const run of RUNS) {
  const scenario = await scenarioOf(run);
  const { report, dir } = await runScenario(scenario, { ctx, outBase: path.join(root, 'runs', 'bench'), repeat: REPEATS, reruns: 0 });
  const pauses: number[] = [];
  const gaps: number[] = [];
  const totals: number[] = [];
  const reconnects: number[] = [];
  const queuedKb: number[] = [];
  const imagesMb: number[] = [];
  const dumpMs: number[] = [];
  const restoreMs: number[] = [];
  for (const r of report.repeats) {
    const history = await readHistory(path.join(dir, r.history));
    // What the service's connections held in their send queues at the freeze (agent A's S704), and CRIU's images.
    const s704 = payloadOf(history, 'S704');
    const queued = (s704?.queuedAtFreeze ?? s704?.queued) as { send: number } | undefined;
    if (queued) queuedKb.push(Math.round(queued.send / 1000));
    if (typeof s704?.bytes === 'number') imagesMb.push(Math.round(s704.bytes / 100_000) / 10);
    if (typeof s704?.dumpMs === 'number') dumpMs.push(s704.dumpMs);
    if (typeof s704?.restoreMs === 'number') restoreMs.push(s704.restoreMs);
    const p = pauseMs(history);
    if (p !== undefined) pauses.push(p);
    const t = totalMs(history);
    if (t !== undefined) totals.push(t);
    // The CRIU row serves no probe stream: its gap is the captured flow's (server → client).
    gaps.push(
      r.streams.length > 0 ? Math.max(0, ...r.streams.map((s) => s.maxGapMs)) : Math.max(0, ...(r.flows ?? []).map((f) => f.s2c.maxGapMs)),
    );
    reconnects.push(r.streams.reduce((a, s) => a + s.reconnects, 0));
  }
  if (pauses.length > 0) result.add(`${run.label}: pause (freeze → resume)`, 'ms', pauses);
  result.add(`${run.label}: client's longest gap`, 'ms', gaps);
  result.add(`${run.label}: total (S701 → end)`, 'ms', totals);
  result.add(`${run.label}: reconnects over all streams`, 'per repeat', reconnects);
  if (queuedKb.length > 0) result.add(`${run.label}: queued at the freeze`, 'KB', queuedKb);
  if (imagesMb.length > 0) result.add(`${run.label}: CRIU images`, 'MB', imagesMb);
  if (dumpMs.length > 0) result.add(`${run.label}: CRIU dump`, 'ms', dumpMs);
  if (restoreMs.length > 0) result.add(`${run.label}: CRIU restore`, 'ms', restoreMs);
  const passed = report.repeats.filter((r) => r.passed).length;
  result.note(`${run.label} (${scenario.name}): ${passed} of ${report.repeats.length} repeats passed every check of the scenario`);
}
await result.write();
