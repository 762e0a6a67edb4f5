// `make bench-split-brain`: the field bug the arp-ha issue cites, measured here. keepalived with
// its defaults through a split brain and its heal, REPEATS times, against arp-ha's split-brain
// scenario: per run, how long after the heal the client's streams stayed cut off.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/common/logger.js';
import { silentProgress } from '../src/common/progress.js';
import { percentile } from '../src/orchestrator/checker/stats.js';
import { readHistory } from '../src/orchestrator/history/history-store.js';
import type { FaultEntry } from '../src/orchestrator/history/history-types.js';
import { runScenario } from '../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../src/orchestrator/scenario/parse-scenario.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';

const REPEATS = Number(process.env.SPLIT_BRAIN_REPEATS ?? 10);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIOS = ['bench/scenarios/keepalived-split-brain-defaults.yml', 'scenarios/arp-ha/split-brain.yml'];
/** A client counts as cut off when its streams were still silent this long after the heal. */
const CUT_OFF_MS = 5000;

const logger = createLogger({ level: 'warn' });
const ctx = { runtime: new DockerRuntime({ logger }), logger, progress: silentProgress() };

const rows: string[] = [];
for (const file of SCENARIOS) {
  const scenario = await parseScenarioFile(path.join(root, file));
  const { report, dir } = await runScenario(scenario, { ctx, outBase: path.join(root, 'runs', 'bench'), repeat: REPEATS, reruns: 0 });
  const afterHeal: number[] = [];
  for (const r of report.repeats) {
    const history = await readHistory(path.join(dir, r.history));
    const heal = history.entries.find((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'end');
    if (!heal) continue;
    // The worst stream: how far past the heal its data stood still (0 when it flowed on).
    afterHeal.push(
      Math.max(
        0,
        ...r.streams.flatMap((s) => s.gaps.filter((g) => g.startMs <= heal.t + 100 && g.endMs > heal.t).map((g) => g.endMs - heal.t)),
      ),
    );
  }
  const cutOff = afterHeal.filter((ms) => ms > CUT_OFF_MS).length;
  const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  rows.push(
    `${scenario.name.padEnd(36)} ${String(afterHeal.length).padStart(4)}   ${String(cutOff).padStart(7)}   ${fmt(percentile(afterHeal, 50)).padStart(7)} ${fmt(Math.max(...afterHeal)).padStart(7)}   ${afterHeal.map(fmt).join(', ')}`,
  );
}
process.stdout.write(
  `split brain, then heal: how long after the heal the client stayed cut off (worst stream per run)\n` +
    `${''.padEnd(36)} ${'runs'.padStart(4)}   ${`> ${CUT_OFF_MS / 1000} s`.padStart(7)}   ${'p50'.padStart(7)} ${'max'.padStart(7)}   every run\n` +
    rows.join('\n') +
    '\n',
);
