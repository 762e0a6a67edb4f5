// `make bench` (deploy part): deploys and destroys a 10-node, 12-link lab REPEATS times and
// prints median per-phase times and the resident memory per node. Targets: deploy < 3 s,
// destroy < 2 s on a 2-core machine.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/common/logger.js';
import { createPlainProgress } from '../src/common/progress.js';
import { Lab } from '../src/lab/lab.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';
import { parseTopologyFile } from '../src/topology/parse-topology.js';
import { percentile } from '../src/orchestrator/checker/stats.js';
import { startBench } from './bench-result.js';

const median = (values: readonly number[]): number => percentile(values, 50);

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'bench/topologies/bench10.clab.yml');

const logger = createLogger({ level: 'warn' });
const runtime = new DockerRuntime({ logger });
const topology = await parseTopologyFile(file, process.env);
const phases = new Map<string, number[]>();
const record = (phase: string, ms: number) => phases.set(phase, [...(phases.get(phase) ?? []), ms]);
const memoryPerNode: number[] = [];
const result = startBench(
  'deploy-bench',
  `Deploy and destroy of \`bench/topologies/bench10.clab.yml\` (${topology.nodes.length} nodes, ` +
    `${topology.links.length} links) ${REPEATS} times (\`BENCH_REPEATS\`); one value per run, phases as the deploy's progress steps report them.`,
);

await new Lab(topology, { runtime, logger, progress: createPlainProgress() }).destroy();
for (let i = 0; i < REPEATS; i++) {
  const progress = createPlainProgress();
  const lab = new Lab(topology, { runtime, logger, progress });
  const t0 = performance.now();
  const started = await lab.deploy();
  record('deploy (total)', performance.now() - t0);
  for (const t of progress.timings) record(`  ${t.step}`, t.ms);
  const memory = await Promise.all(topology.nodes.map((n) => runtime.memoryUsage(started.containerOf(n.name))));
  memoryPerNode.push(memory.reduce((a, b) => a + b, 0) / memory.length);
  const t1 = performance.now();
  await started.destroy();
  record('destroy (total)', performance.now() - t1);
}

const TARGETS: Record<string, string> = { 'deploy (total)': '< 3 s', 'destroy (total)': '< 2 s' };
for (const [phase, ms] of phases) result.add(phase.trim(), 'ms', ms, TARGETS[phase]);
result.add(
  'resident memory per node',
  'MiB',
  memoryPerNode.map((b) => b / 1024 / 1024),
);
await result.write();
const rows = [...phases].map(([phase, ms]) => `${phase.padEnd(44)} ${median(ms).toFixed(0).padStart(6)} ms`);
process.stdout.write(
  `deploy/destroy of ${topology.nodes.length} nodes, ${topology.links.length} links — median of ${REPEATS} runs\n` +
    rows.join('\n') +
    '\n' +
    `${'resident memory per node'.padEnd(44)} ${(median(memoryPerNode) / 1024 / 1024).toFixed(1).padStart(6)} MiB\n`,
);
