// nat-lb benchmarks on the nat-lb lab (not timed tests; numbers for the README):
//   - step 3 of a move (export at lb1 + import at lb2 + delete at lb1, over the control API)
//     for N synthetic rows of V1 (target: 10,000 rows < 1 s), moved back and forth RUNS times;
//   - iperf3 throughput cl1 → V1 → s1 through lb1 (NAT in the kernel, the daemon out of the
//     path) against cl1 → lb1 over the same first hop (target: ≥ 85 %).
import { createLogger } from '../src/common/logger.js';
import { silentProgress } from '../src/common/progress.js';
import { Lab, type StartedLab } from '../src/lab/lab.js';
import { percentile } from '../src/orchestrator/checker/stats.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';
import { parseTopologyFile } from '../src/topology/parse-topology.js';
import type { AccessRow } from '../src/daemons/nat-lb/protocol.js';

const ROWS = Math.min(Number(process.env.BENCH_ROWS ?? 10_000), 60_000);
const RUNS = Math.min(Number(process.env.BENCH_RUNS ?? 3), 20);
const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 4), 30);
const V1 = '198.18.20.101';
/** The lab's management prefix (NAT_LB_MGMT, as in topologies/nat-lb.clab.yml). */
const MGMT_PREFIX = process.env.NAT_LB_MGMT ?? '198.19.20';
const MGMT = { lb1: `${MGMT_PREFIX}.21`, lb2: `${MGMT_PREFIX}.22` } as const;

const api = async <T>(lb: keyof typeof MGMT, path: string, body: unknown): Promise<T> => {
  const res = await fetch(`http://${MGMT[lb]}:7080${path}`, { method: 'POST', headers: { authorization: 'Bearer nat-lb-control-token', 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`${lb} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

/** N rows of V1 from 40 client addresses, created in one `conntrack -R` on `lb`. */
const seedRows = async (lab: StartedLab, lb: string, n: number) => {
  const script = `i=0; for a in $(seq 1 40); do for p in $(seq 20000 $((20000 + ${Math.ceil(n / 40)} - 1))); do echo "-I -s 198.18.20.$a -d ${V1} -p tcp --sport $p --dport 7000 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 600 --dst-nat 198.18.21.11:7000"; done; done | head -n ${n} > /tmp/seed && conntrack -R /tmp/seed`;
  await lab.execOk(lb, ['sh', '-c', script]);
};

const step3 = async (from: 'lb1' | 'lb2', to: 'lb1' | 'lb2') => {
  const t0 = performance.now();
  const { rows } = await api<{ rows: AccessRow[] }>(from, '/rows/export', { vip: V1 });
  const t1 = performance.now();
  const { imported } = await api<{ imported: number }>(to, '/rows/import', { vip: V1, rows });
  const t2 = performance.now();
  const { deleted } = await api<{ deleted: number }>(from, '/rows/delete', { vip: V1 });
  const t3 = performance.now();
  if (imported !== ROWS || deleted !== ROWS) throw new Error(`moved ${imported} / deleted ${deleted} of ${ROWS} rows`);
  return { total: t3 - t0, export: t1 - t0, import: t2 - t1, delete: t3 - t2 };
};

const iperf = async (lab: StartedLab, target: string): Promise<number> => {
  const out = await lab.execOk('cl1', ['iperf3', '-c', target, '-t', String(SECONDS), '-J']);
  return (JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second / 1e9;
};

const ctx = { runtime: new DockerRuntime({ logger: createLogger() }), logger: createLogger(), progress: silentProgress() };
const topology = await parseTopologyFile('topologies/nat-lb.clab.yml', process.env);
await new Lab(topology, ctx).destroy();
const lab = await new Lab(topology, ctx).deploy();
try {
  for (const lb of ['lb1', 'lb2']) await lab.execOk(lb, ['sh', '-c', `node /opt/failover-lab/dist/src/daemons/nat-lb/balancer/main.js --config /opt/failover-lab/topologies/nat-lb/${lb}.yml > /tmp/nb.log 2>&1 & sleep 2`]);
  await seedRows(lab, 'lb1', ROWS);
  const runs: Awaited<ReturnType<typeof step3>>[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await step3(i % 2 === 0 ? 'lb1' : 'lb2', i % 2 === 0 ? 'lb2' : 'lb1'));
  const p50 = (k: keyof (typeof runs)[number]) => percentile(runs.map((r) => r[k]), 50).toFixed(0);
  process.stdout.write(`step 3, ${ROWS} rows: p50 ${p50('total')} ms (export ${p50('export')}, import ${p50('import')}, delete ${p50('delete')}); runs: ${runs.map((r) => r.total.toFixed(0)).join(', ')} ms\n`);
  await lab.execOk('lb1', ['sh', '-c', 'conntrack -F 2>/dev/null; true']);
  await lab.execOk('lb2', ['sh', '-c', 'conntrack -F 2>/dev/null; true']);

  await lab.execOk('s1', ['sh', '-c', 'iperf3 -s -D']);
  await lab.execOk('lb1', ['sh', '-c', 'iperf3 -s -D -B 198.18.20.21']);
  const direct: number[] = [];
  const through: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    direct.push(await iperf(lab, '198.18.20.21'));
    through.push(await iperf(lab, V1));
  }
  const d = percentile(direct, 50);
  const t = percentile(through, 50);
  process.stdout.write(`iperf3 cl1 → lb1 (direct): ${d.toFixed(2)} Gbit/s; cl1 → V1 → s1 through lb1: ${t.toFixed(2)} Gbit/s; ratio ${(t / d).toFixed(2)} (runs: ${direct.map((x) => x.toFixed(2)).join(', ')} / ${through.map((x) => x.toFixed(2)).join(', ')})\n`);
} finally {
  await lab.destroy();
}
