// `make bench` (session migration, issue #13): the probe path's pause against the number of
// connections moved, beside the cold-migration baseline's gap, on the migration lab.
//   pause: agent A's freeze (S703 start) → the service resumed at srvB (S710, after srvB's probe
//          server rebuilt every connection): what the patent's order costs the service;
//   gap:   the client's longest application gap over every stream: what the user sees;
//   total: the coordinator's S701 → end (migration-done totalMs).
// The cold baseline (stop at A, VIP to B, clients reconnect) has no freeze: its gap is the figure.
// The CRIU row moves an unmodified socat server (criu-socat): its gap is the captured flow's.
// MIGRATION_REPEATS (3) repeats per scenario; one value per repeat.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/common/logger.js';
import { silentProgress } from '../src/common/progress.js';
import type { RunHistory } from '../src/orchestrator/history/history-types.js';
import { readHistory } from '../src/orchestrator/history/history-store.js';
import { runScenario } from '../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../src/orchestrator/scenario/parse-scenario.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';
import { startBench } from './bench-result.js';
import { bounded } from './lab-bench-kit.js';

const REPEATS = bounded('MIGRATION_REPEATS', 3, 20);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = [
  { file: 'scenarios/migration/maintenance-1.yml', label: '1 stream' },
  { file: 'scenarios/migration/maintenance.yml', label: '10 streams' },
  { file: 'scenarios/migration/maintenance-100.yml', label: '100 streams' },
  { file: 'wip/migration/maintenance-1000.yml', label: '1,000 streams' },
  { file: 'scenarios/migration/criu-socat.yml', label: 'CRIU, 1 socat connection' },
  { file: 'scenarios/migration-baseline/cold.yml', label: 'cold baseline, 10 streams' },
];

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
    "The CRIU row moves an unmodified socat server and one connection (criu-socat): its gap is the captured flow's at cl1.",
);
for (const run of RUNS) {
  const scenario = await parseScenarioFile(path.join(root, run.file));
  const { report, dir } = await runScenario(scenario, { ctx, outBase: path.join(root, 'runs', 'bench'), repeat: REPEATS, reruns: 0 });
  const pauses: number[] = [];
  const gaps: number[] = [];
  const totals: number[] = [];
  const reconnects: number[] = [];
  for (const r of report.repeats) {
    const history = await readHistory(path.join(dir, r.history));
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
  const passed = report.repeats.filter((r) => r.passed).length;
  result.note(`${run.label} (${scenario.name}): ${passed} of ${report.repeats.length} repeats passed every check of the scenario`);
}
await result.write();
