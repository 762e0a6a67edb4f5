// Probe throughput: one s2c stream at full speed, every byte verified. Target ≥ 500 MB/s
// between two lab nodes over a direct veth. Prints the median of RUNS runs for:
//   - lab: server and client in two containers (Node 18 from the image), direct veth;
//   - lab: the same across the lab switch (bridge + VLAN);
//   - host loopback: server in a child process, client in this process;
//   - host loopback: server and client in this one process (one event loop does both ends).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/common/logger.js';
import { silentProgress } from '../src/common/progress.js';
import { Lab, type StartedLab } from '../src/lab/lab.js';
import { ProbeClient } from '../src/probe/client.js';
import type { ProbeSummary, StreamSummary } from '../src/probe/probe-report.js';
import { ProbeServer } from '../src/probe/server.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';
import { parseTopologyFile } from '../src/topology/parse-topology.js';
import { percentile } from '../src/orchestrator/checker/stats.js';
import { startBench } from './bench-result.js';

const median = (values: readonly number[]): number => percentile(values, 50);

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROBE_IN_LAB = '/opt/failover-lab/dist/src/probe/main.js';
const PROBE_ON_HOST = path.join(root, 'dist/src/probe/main.js');

const mbps = (s: StreamSummary) => s.bytes / SECONDS / 1e6;
const clean = (s: StreamSummary) =>
  s.bytesLost + s.bytesDuplicated + s.bytesCorrupt === 0 && !s.failed && s.resets + s.eofs + s.timeouts === 0;
const results: string[] = [];
const result = startBench(
  'probe-throughput',
  `One s2c stream at full speed (\`--rate 0\`) for ${SECONDS} s, every byte verified, ` +
    `${RUNS} runs per path (\`BENCH_RUNS\`, \`BENCH_SECONDS\`); one value per run. The lab paths use Node 18 from the lab image.`,
);

const report = (label: string, runs: StreamSummary[]) => {
  const rates = runs.map(mbps);
  const ok = runs.every(clean) ? 'every byte verified, no errors' : 'ERRORS: ' + JSON.stringify(runs.filter((s) => !clean(s)));
  const line = `${label.padEnd(44)} ${median(rates).toFixed(0).padStart(6)} MB/s  (runs: ${rates.map((r) => r.toFixed(0)).join(', ')}; ${ok})`;
  results.push(line);
  result.add(label, 'MB/s', rates, label.startsWith('lab, direct') ? '≥ 500 MB/s' : undefined);
  if (!runs.every(clean))
    result.note(`${label}: errors in a run (lost, duplicated or corrupt bytes, resets, EOFs or timeouts): the figure is not valid`);
  process.stderr.write(line + '\n');
};

const inLab = async (lab: StartedLab, server: string, label: string) => {
  const runs: StreamSummary[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await lab.exec('client', [
      'node',
      PROBE_IN_LAB,
      'client',
      '--connect',
      `${server}:7100`,
      '--streams',
      '1',
      '--first-stream-id',
      String(i + 1),
      '--direction',
      's2c',
      '--rate',
      '0',
      '--duration-s',
      String(SECONDS),
      '--events',
      '/dev/null',
    ]);
    if (r.exitCode !== 0) throw new Error(`probe client exited ${r.exitCode}: ${r.stderr}`);
    runs.push((JSON.parse(r.stdout.trim()) as ProbeSummary).summary[0]!);
  }
  report(label, runs);
};

const lab = async () => {
  const logger = createLogger({ level: 'warn' });
  const topology = await parseTopologyFile(path.join(root, 'test/fixtures/topologies/probe-lab.clab.yml'), process.env);
  const ctx = { runtime: new DockerRuntime({ logger }), logger, progress: silentProgress() };
  await new Lab(topology, ctx).destroy();
  const started = await new Lab(topology, ctx).deploy();
  try {
    await started.execOk('server', [
      'sh',
      '-c',
      `nohup node ${PROBE_IN_LAB} server --listen :7100 --events /dev/null > /tmp/bench-server.log 2>&1 &`,
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    await inLab(started, '198.18.4.130', 'lab, direct veth (Node 18, two containers)');
    await inLab(started, '198.18.4.2', 'lab, across the switch');
  } finally {
    await started.destroy();
  }
};

const hostProcesses = async () => {
  const child = spawn('node', [PROBE_ON_HOST, 'server', '--listen', '127.0.0.1:0', '--events', '/dev/null', '--duration-s', '600']);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (t: string) => {
        const m = /listening on [\d.]+:(\d+)/.exec(t);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error('probe server exited')));
    });
    const runs: StreamSummary[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = await new ProbeClient({
        host: '127.0.0.1',
        port,
        streams: 1,
        firstStreamId: i + 1,
        direction: 's2c',
        rate: 0,
        durationMs: SECONDS * 1000,
      }).run();
      runs.push(s.summary[0]!);
    }
    report(`host loopback, two processes (Node ${process.versions.node})`, runs);
  } finally {
    child.kill('SIGTERM');
  }
};

const oneProcess = async () => {
  const server = new ProbeServer({ host: '127.0.0.1', port: 0 });
  await server.listen();
  const runs: StreamSummary[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await new ProbeClient({
      host: '127.0.0.1',
      port: server.port,
      streams: 1,
      firstStreamId: i + 1,
      direction: 's2c',
      rate: 0,
      durationMs: SECONDS * 1000,
    }).run();
    runs.push(s.summary[0]!);
  }
  await server.close();
  report('host loopback, one process (both ends)', runs);
};

if (!process.env.BENCH_SKIP_LAB) await lab();
await hostProcesses();
await oneProcess();
result.note('Every run of every path verified every byte, with no reset, EOF or timeout, unless a note above says otherwise.');
await result.write();
process.stdout.write(`probe s2c throughput, one stream at full speed, median of ${RUNS} runs of ${SECONDS} s\n${results.join('\n')}\n`);
