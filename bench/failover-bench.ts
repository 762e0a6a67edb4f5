// `make bench` (failover part): hard-kill failover of the active, REPEATS times each, for
// arp-ha and the keepalived baseline at the same 100 ms interval, side by side: p50 / p95 /
// max of the client's application gap, of detection (crash → new ACTIVE), and resets.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/common/logger.js';
import { silentProgress } from '../src/common/progress.js';
import { percentile } from '../src/orchestrator/checker/stats.js';
import { readHistory } from '../src/orchestrator/history/history-store.js';
import { runScenario } from '../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../src/orchestrator/scenario/parse-scenario.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';
import { startBench } from './bench-result.js';

const REPEATS = Number(process.env.FAILOVER_REPEATS ?? 20);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIOS = (
  process.env.FAILOVER_SCENARIOS ??
  'scenarios/arp-ha/crash-active.yml,scenarios/keepalived/crash-active.yml,scenarios/arp-ha/fast-fail.yml,scenarios/arp-ha/transparent-takeover.yml,scenarios/keepalived/crash-s2c.yml'
).split(',');

const logger = createLogger({ level: 'warn' });
const ctx = { runtime: new DockerRuntime({ logger }), logger, progress: silentProgress() };
const fmt = (values: number[]) =>
  `${percentile(values, 50).toFixed(0).padStart(6)} ${percentile(values, 95).toFixed(0).padStart(6)} ${Math.max(...values)
    .toFixed(0)
    .padStart(6)}`;

const rows: string[] = [];
const result = startBench(
  'failover-bench',
  `Hard kill of the active (links cut, then SIGKILL), ${REPEATS} repeats per scenario (\`FAILOVER_REPEATS\`), ` +
    "heartbeat / advertisement every 100 ms, 4 streams; one value per repeat. gap: the worst stream's longest gap; detection: crash → new ACTIVE; " +
    'gap − detection: what the mechanism adds to noticing the crash; resets: resets and EOFs summed over the streams.',
);
for (const file of SCENARIOS) {
  const scenario = await parseScenarioFile(path.join(root, file));
  const { report, dir } = await runScenario(scenario, { ctx, outBase: path.join(root, 'runs', 'bench'), repeat: REPEATS, reruns: 0 });
  const gaps: number[] = [];
  const detections: number[] = [];
  const resets: number[] = [];
  /** Per repeat: the worst stream's gap minus that repeat's detection time — what the mechanism adds. */
  const beyond: number[] = [];
  for (const r of report.repeats) {
    const gap = Math.max(0, ...r.streams.map((s) => s.maxGapMs));
    gaps.push(gap);
    resets.push(r.streams.reduce((a, s) => a + s.resets + s.eofs, 0));
    const history = await readHistory(path.join(dir, r.history));
    const fault = history.entries.find((e) => e.kind === 'fault' && e.phase === 'start');
    const takeover = history.entries.find(
      (e) => e.kind === 'daemon' && e.event === 'mode' && e.data.to === 'ACTIVE' && fault && e.t > fault.t,
    );
    if (fault && takeover) {
      detections.push(takeover.t - fault.t);
      beyond.push(gap - (takeover.t - fault.t));
    }
  }
  const passed = report.repeats.filter((r) => r.passed).length;
  result.add(`${scenario.name}: gap`, 'ms', gaps);
  result.add(`${scenario.name}: detection`, 'ms', detections);
  result.add(`${scenario.name}: gap − detection`, 'ms', beyond);
  result.add(`${scenario.name}: resets`, 'per repeat', resets);
  result.note(`${scenario.name}: ${passed} of ${report.repeats.length} repeats passed every check of the scenario`);
  const none = '     -      -      -';
  rows.push(
    `${scenario.name.padEnd(30)} ${fmt(gaps)}   ${detections.length ? fmt(detections) : none}   ${beyond.length ? fmt(beyond) : none}   ${fmt(resets)}   ${passed}/${report.repeats.length}`,
  );
}
await result.write();
process.stdout.write(
  `hard-kill failover of the active, ${REPEATS} repeats each (ms; resets = connections broken, summed over 4 streams)\n` +
    `(gap−det = the worst stream's gap minus detection, per repeat: what the mechanism adds to detecting the crash)\n` +
    `${''.padEnd(30)} ${'gap p50'.padStart(6)} ${'p95'.padStart(6)} ${'max'.padStart(6)}   ${'det p50'.padStart(6)} ${'p95'.padStart(6)} ${'max'.padStart(6)}   ${'gap−det'.padStart(6)} ${'p95'.padStart(6)} ${'max'.padStart(6)}   ${'rst p50'.padStart(6)} ${'p95'.padStart(6)} ${'max'.padStart(6)}   passed\n` +
    rows.join('\n') +
    '\n',
);
