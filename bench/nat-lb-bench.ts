// nat-lb benchmarks on the nat-lb lab (not timed tests; figures for docs/measurements.md), issue #5:
//
// 1. Throughput, iperf3 cl1 → s1, one TCP stream, always over the same path: cl1 → osw → lb1 →
//    isw → s1 (two switches, one router). Only what lb1 does differs:
//      routed    lb1 forwards, no NAT rule, no daemon (cl1 connects to s1's own address): the
//                "direct link" of this lab — the fewest hops a balanced path can have;
//      bare DNAT lb1 with one nftables rule `ip daddr V1 dnat to s1`, no daemon, kernel defaults:
//                what any NAT router costs;
//      balancer  the nat-balancer daemon on lb1 with its ruleset, sysctls, copy push to the
//                servers' copy stores and control API: cl1 connects to V1;
//      ruleset   the same with the daemon process frozen (SIGSTOP): what the ruleset alone costs,
//                so balancer − ruleset is what the running process costs the packets.
//    Each round measures the four back to back (the machine is shared: only neighbours in time
//    compare). Ratios: of the medians, and the median of each round's own ratio.
// 2. Step 3 of a move, 10,000 rows of V1 (export at the source + import at the target + delete
//    at the source, over the control API), moved back and forth, a pause between moves so the
//    copy pushes they cause are not counted in the next one. Target: median < 1 s.
// 3. Planned move of V1 with probe streams running through it, made by the nat-controller on s3
//    (POST /move, the plan of move-plan.ts), V1 moving lb1 → lb2 → lb1 …; per move the longest
//    application gap of each stream and its resets, and the controller's own timing of each
//    step and call. p50/p95/max over the moves.
// Environment: NAT_LB_LAB / NAT_LB_MGMT (the lab's name and management prefix), BENCH_ROWS,
// BENCH_RUNS (throughput rounds), BENCH_STEP3_RUNS, BENCH_STEP3_PAUSE_MS, BENCH_MOVES,
// BENCH_SECONDS (per iperf3), BENCH_PARTS (any of throughput,step3,moves), BENCH_COPY_STORES=0
// (no copy store answers: the balancers' copy pushes fail, as with a server down).
import type { AccessRow } from '../src/daemons/nat-lb/protocol.js';
import type { ProbeSummary } from '../src/probe/probe-report.js';
import { startBench } from './bench-result.js';
import { bounded, freshLab, background as inNode, iperfGbits, sleep, stopBackground, waitFor } from './lab-bench-kit.js';
import { controllerSteps, type MoveRun, reportMoves, reportStep3, reportThroughput } from './nat-lb-bench-report.js';

const ROWS = bounded('BENCH_ROWS', 10_000, 60_000);
const RUNS = bounded('BENCH_RUNS', 7, 20);
const STEP3_RUNS = bounded('BENCH_STEP3_RUNS', 9, 40);
const MOVES = bounded('BENCH_MOVES', 20, 50);
const SECONDS = bounded('BENCH_SECONDS', 3, 30);
const STEP3_PAUSE_MS = Math.min(Number(process.env.BENCH_STEP3_PAUSE_MS ?? 3000) || 0, 10_000);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'throughput,step3,moves').split(','));
const COPY_STORES = process.env.BENCH_COPY_STORES !== '0';
const V1 = '198.18.20.101';
const S1 = '198.18.21.11';
const V1_INSIDE = '198.18.21.101';
const LB1_OUT = '198.18.20.21';
const ROOT = '/opt/failover-lab';
const DAEMON = `${ROOT}/dist/src/daemons/nat-lb/balancer/main.js`;
const COPY_STORE = `${ROOT}/dist/src/daemons/nat-lb/copy-store/main.js`;
const PROBE = `${ROOT}/dist/src/probe/main.js`;
/** The lab's management prefix (NAT_LB_MGMT, as in topologies/nat-lb.clab.yml). */
const MGMT_PREFIX = process.env.NAT_LB_MGMT ?? '198.19.20';
const MGMT = { lb1: `${MGMT_PREFIX}.21`, lb2: `${MGMT_PREFIX}.22` } as const;
type Lb = keyof typeof MGMT;
const other = (lb: Lb): Lb => (lb === 'lb1' ? 'lb2' : 'lb1');

const api = async <T>(lb: Lb, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`http://${MGMT[lb]}:7080${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: 'Bearer nat-lb-control-token', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`${lb} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

const { lab, topology } = await freshLab('topologies/nat-lb.clab.yml');

/** Runs `command` in the background on `node`; returns its PID. */
const background = (node: string, command: string, log: string) => inNode(lab, node, command, log);
const daemons = new Map<Lb, string>();
const startBalancer = async (lb: Lb) => {
  daemons.set(lb, await background(lb, `node ${DAEMON} --config ${ROOT}/topologies/nat-lb/${lb}.yml`, '/tmp/nat-balancer.log'));
  await waitFor(`${lb} API`, async () => (await api(lb, '/status')) !== undefined);
};
/** SIGTERM: the daemon removes its addresses and ruleset on the way out. */
const stopBalancer = async (lb: Lb) => {
  const pid = daemons.get(lb);
  if (!pid) return;
  daemons.delete(lb);
  await stopBackground(lab, lb, pid);
};

const iperf = (target: string) => iperfGbits(lab, 'cl1', target, SECONDS);

const BARE_NFT = `table ip bare_dnat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n    ip daddr ${V1} dnat to ${S1}\n  }\n}\n`;
/** lb1 as a plain router (and a bare DNAT router for V1): addresses, kernel-default conntrack sysctls, one rule. */
const bareRouter = async () => {
  await lab.execOk('lb1', [
    'sh',
    '-c',
    [
      `ip addr replace ${V1}/32 dev eth1`,
      `ip addr replace ${V1_INSIDE}/32 dev eth2`,
      'sysctl -qw net.netfilter.nf_conntrack_tcp_loose=1 net.netfilter.nf_conntrack_tcp_be_liberal=0 net.netfilter.nf_conntrack_timestamp=0',
      `printf '${BARE_NFT.replace(/\n/g, '\\n')}' | nft -f -`,
    ].join(' && '),
  ]);
};
const unBareRouter = () =>
  lab.execOk('lb1', [
    'sh',
    '-c',
    `nft delete table ip bare_dnat; ip addr del ${V1}/32 dev eth1; ip addr del ${V1_INSIDE}/32 dev eth2; true`,
  ]);

const throughput = async () => {
  await lab.execOk('s1', ['sh', '-c', 'iperf3 -s -D']);
  await lab.execOk('cl1', ['ip', 'route', 'replace', '198.18.21.0/24', 'via', LB1_OUT]);
  const runs = { routed: [] as number[], bare: [] as number[], balancer: [] as number[], ruleset: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    await stopBalancer('lb1');
    await bareRouter();
    // Alternate which of the two comes first, so a slow start of the round is shared.
    if (i % 2 === 0) {
      runs.routed.push(await iperf(S1));
      runs.bare.push(await iperf(V1));
    } else {
      runs.bare.push(await iperf(V1));
      runs.routed.push(await iperf(S1));
    }
    await unBareRouter();
    await startBalancer('lb1');
    await sleep(1000);
    const pid = daemons.get('lb1')!;
    const frozen = async () => {
      await lab.execOk('lb1', ['kill', '-STOP', pid]);
      try {
        return await iperf(V1);
      } finally {
        await lab.execOk('lb1', ['kill', '-CONT', pid]);
      }
    };
    if (i % 2 === 0) {
      runs.balancer.push(await iperf(V1));
      runs.ruleset.push(await frozen());
    } else {
      runs.ruleset.push(await frozen());
      runs.balancer.push(await iperf(V1));
    }
  }
  await lab.execOk('cl1', ['ip', 'route', 'del', '198.18.21.0/24']);
  return runs;
};

/** N rows of V1 from 40 client addresses, created in one `conntrack -R` on `lb`. */
const seedRows = async (lb: Lb, n: number) => {
  const script = `for a in $(seq 1 40); do for p in $(seq 20000 $((20000 + ${Math.ceil(n / 40)} - 1))); do echo "-I -s 198.18.20.$a -d ${V1} -p tcp --sport $p --dport 7000 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 600 --dst-nat ${S1}:7000"; done; done | head -n ${n} > /tmp/seed && conntrack -R /tmp/seed`;
  await lab.execOk(lb, ['sh', '-c', script]);
};

const step3 = async (from: Lb, to: Lb) => {
  const t0 = performance.now();
  const { rows } = await api<{ rows: AccessRow[] }>(from, '/rows/export', { vip: V1 });
  const t1 = performance.now();
  const { imported } = await api<{ imported: number }>(to, '/rows/import', { vip: V1, rows });
  const t2 = performance.now();
  const { deleted } = await api<{ deleted: number }>(from, '/rows/delete', { vip: V1 });
  const t3 = performance.now();
  return { total: t3 - t0, export: t1 - t0, import: t2 - t1, delete: t3 - t2, rows: rows.length, imported, deleted };
};

const stateMove = async () => {
  for (const lb of ['lb1', 'lb2'] as const) await lab.execOk(lb, ['sh', '-c', 'conntrack -F 2>/dev/null; true']);
  await seedRows('lb1', ROWS);
  const runs: Awaited<ReturnType<typeof step3>>[] = [];
  for (let i = 0; i < STEP3_RUNS; i++) {
    // Moves of one VIP are seconds apart, not back to back: the copy pushes a move causes
    // (10,000 rows to s1's copy store) are done before the next one.
    await sleep(STEP3_PAUSE_MS);
    const from: Lb = i % 2 === 0 ? 'lb1' : 'lb2';
    const r = await step3(from, other(from));
    if (r.rows !== ROWS || r.imported !== ROWS || r.deleted !== ROWS)
      throw new Error(`move ${i + 1}: exported ${r.rows}, imported ${r.imported}, deleted ${r.deleted} of ${ROWS} rows`);
    runs.push(r);
  }
  // The last move left the rows on one side: clear both before the next benchmark.
  for (const lb of ['lb1', 'lb2'] as const) await lab.execOk(lb, ['sh', '-c', 'conntrack -F 2>/dev/null; true']);
  return runs;
};

const CONTROLLER = `${ROOT}/dist/src/daemons/nat-lb/controller/main.js`;
const MOVE = `${ROOT}/dist/src/daemons/nat-lb/controller/move.js`;
const CONTROLLER_API = '198.18.21.13:7070';
const STREAMS = 20;

/**
 * Planned moves as the controller makes them (move-plan.ts, POST /move on s3), V1 going
 * lb1 → lb2 → lb1 … under fresh echo streams each time; per move each stream's longest gap.
 */
const plannedMoves = async () => {
  await background('s3', `node ${CONTROLLER} --config ${ROOT}/topologies/nat-lb/controller.yml`, '/tmp/controller.log');
  await waitFor(
    'the controller to start',
    async () => (await lab.exec('s3', ['grep', '-q', '"event":"started"', '/tmp/controller.log'])).exitCode === 0,
  );
  await sleep(1000); // its first polls learn who owns what
  const moves: MoveRun[] = [];
  for (let i = 0; i < MOVES; i++) {
    const from: Lb = i % 2 === 0 ? 'lb1' : 'lb2';
    const file = `/tmp/move-${i}.json`;
    await background(
      'cl1',
      `node ${PROBE} client --connect ${V1}:7000 --streams ${STREAMS} --first-stream-id ${1000 + i * 100} --direction echo --rate 100k --duration-s 4 --no-reconnect --stall-ms 3000 --gap-threshold-ms 20 --node cl1 --summary ${file}`,
      `/tmp/move-${i}.log`,
    );
    await waitFor(
      `${STREAMS} rows of V1 on ${from}`,
      async () => (await api<{ rows: AccessRow[] }>(from, '/rows/export', { vip: V1 })).rows.length >= STREAMS,
    );
    await sleep(800);
    const answer = await lab.execOk('s3', [
      'node',
      MOVE,
      '--controller',
      CONTROLLER_API,
      '--token',
      'nat-lb-controller-token',
      '--vip',
      V1,
      '--to',
      other(from),
    ]);
    const result = JSON.parse(answer.trim().split('\n').at(-1)!) as { state: string; rows: number; ms: number };
    await waitFor(`probe summary ${file}`, async () => (await lab.exec('cl1', ['test', '-s', file])).exitCode === 0, 30_000);
    const streams = (JSON.parse(await lab.execOk('cl1', ['cat', file])) as ProbeSummary).summary;
    moves.push({
      gaps: streams.map((s) => s.maxGapMs),
      resets: streams.reduce((n, s) => n + s.resets, 0),
      failed: streams.filter((s) => s.failed).length,
      lost: streams.reduce((n, s) => n + s.bytesLost + s.bytesCorrupt, 0),
      rows: result.rows,
      ms: result.ms,
    });
  }
  return { moves, timed: controllerSteps(await lab.execOk('s3', ['cat', '/tmp/controller.log']), V1) };
};

try {
  for (const s of ['s1', 's2', 's3']) {
    const address = (await lab.execOk(s, ['sh', '-c', "ip -4 -o addr show dev eth1 | awk '{print $4}' | cut -d/ -f1"])).trim();
    await lab.execOk(s, ['sh', '-c', `printf 'token: nat-lb-copy-token\\nlisten: "${address}:7090"\\n' > /tmp/copy-store.yml`]);
    if (COPY_STORES) await background(s, `node ${COPY_STORE} --config /tmp/copy-store.yml`, '/tmp/copy-store.log');
    await background(s, `node ${PROBE} server --listen 0.0.0.0:7000 --node ${s}`, '/tmp/probe-server.log');
  }
  for (const lb of ['lb1', 'lb2'] as const) await startBalancer(lb);
  const result = startBench(
    'nat-lb-bench',
    `On the nat-lb lab (${topology.name}). Throughput: iperf3, one TCP stream, ${RUNS} rounds × ${SECONDS} s, ` +
      'the four set-ups of lb1 back to back per round (ratios are per round). Step 3: one value per move. Planned moves: gaps per stream and per move.',
  );
  if (PARTS.has('throughput')) reportThroughput(result, await throughput());
  if (PARTS.has('step3'))
    reportStep3(result, await stateMove(), `step 3, ${ROWS} rows${COPY_STORES ? '' : ', no copy store answering'}`, STEP3_PAUSE_MS);
  if (PARTS.has('moves')) {
    const { moves, timed } = await plannedMoves();
    reportMoves(result, moves, timed, STREAMS);
  }
  await result.write();
} finally {
  await lab.destroy();
}
