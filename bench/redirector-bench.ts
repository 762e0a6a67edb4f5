// redirector benchmarks on the redirector lab (not timed tests; figures for docs/measurements.md), issue #12:
//
// 1. Throughput, iperf3 cl1 → be1, one TCP stream, always over the same wires (cl1 → osw → fe1
//    → isw → be1). Only what fe1 does differs:
//      direct      fe1 a plain router, no daemon: cl1 connects to be1's own address;
//      redirector  the redirector daemon: cl1 connects to VIP:5201, DNAT'd to be1 (service 5201: be1 alone);
//      HAProxy     HAProxy in TCP mode as the baseline runs it: VIP:5201 proxied to be1.
//    Back to back per round (the machine is shared: only neighbours in time compare); ratios
//    per round. Target: redirector ÷ direct ≥ 0.9.
// 2. New connections per second to VIP:7100 (be1:be2 = 1:1, nginx answering each request with
//    its name and closing): BENCH_CONNECTIONS (20,000) from each of cl1 and cl2 at once, ab
//    with 50 at a time each (bench/connection-load.ts: a load that saturates the front end, not
//    the client), through the redirector and through HAProxy, once per round each. Target: the
//    redirector ahead of HAProxy.
// 3. BENCH_ROUTES (100,000) assigned routes: established DNAT'd connections of 8080 created in
//    fe1's conntrack (bench/redirector-routes.ts), which the redirector reads into table 111.
//    The daemon's resident memory without them and with them; then BENCH_RESTARTS restarts,
//    each timed from the new process's start (a timestamp the node's shell writes just before it
//    execs node: docker exec's own cost is not in it) to its API answering, and to its API
//    showing all of them in 111 (polled every 20 ms; includes Node's own start), and the
//    restarted daemon's own rebuild of 111 (its routes-rebuilt event); and the rebuild alone, in
//    process: the ctnetlink dump of the VIP's entries decoded, and decoded into a new table 111.
//    Target (the "time to rebuild table 111 after a restart"): the restarted daemon's
//    rebuild < 1 s; the whole restart, Node's start and module loading included, beside it.
// Environment: REDIRECTOR_LAB / REDIRECTOR_MGMT (the lab's name and management prefix),
// BENCH_RUNS, BENCH_SECONDS (per iperf3), BENCH_CONNECTIONS, BENCH_ROUTES, BENCH_RESTARTS.
import { startBench } from './bench-result.js';
import { connectionLoad, startNginx } from './connection-load.js';
import { background, bounded, freshLab, iperfGbits, sleep, stopBackground, waitFor } from './lab-bench-kit.js';

const RUNS = bounded('BENCH_RUNS', 5, 20);
const SECONDS = bounded('BENCH_SECONDS', 3, 30);
const CONNECTIONS = bounded('BENCH_CONNECTIONS', 20_000, 100_000);
const ROUTES = bounded('BENCH_ROUTES', 100_000, 100_000);
const RESTARTS = bounded('BENCH_RESTARTS', 5, 20);
const ROOT = '/opt/failover-lab';
const STARTED_AT = '/tmp/redirector.started-ms';
// The shell stamps the time (ms, the host's clock: containers share it) and becomes node: same PID.
const REDIRECTOR =
  `sh -c 'echo $(($(date +%s%N) / 1000000)) > ${STARTED_AT}; ` +
  `exec node ${ROOT}/dist/src/daemons/redirector/front/main.js --config ${ROOT}/bench/topologies/redirector/fe1.yml'`;
const HAPROXY = `haproxy -db -f ${ROOT}/bench/topologies/redirector/haproxy.cfg`;
const ROUTES_TOOL = `node ${ROOT}/dist/bench/redirector-routes.js`;
const API = `http://${process.env.REDIRECTOR_MGMT ?? '198.19.30'}.21:7300`;
const VIP = '198.18.30.100';
const BE1 = '198.18.31.11';

const { lab, topology } = await freshLab('topologies/redirector.clab.yml');

interface Status {
  assigned: { count: number };
}
const status = async (): Promise<Status> => {
  const res = await fetch(`${API}/status`, { headers: { authorization: 'Bearer redirector-token' }, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /status: ${res.status} ${await res.text()}`);
  return (await res.json()) as Status;
};

/** The addresses the redirector takes and gives back on its own: the direct path and HAProxy need them too. */
const fe1Addresses = () =>
  lab.execOk('fe1', ['sh', '-c', `ip addr replace ${VIP}/32 dev eth1 && ip addr replace 198.18.31.100/32 dev eth2`]);

let redirector: string | undefined;
/** Starts the daemon; returns when its process started (ms since the epoch) and when its API first answered. */
const startRedirector = async (): Promise<{ startedMs: number; apiMs: number }> => {
  redirector = await background(lab, 'fe1', REDIRECTOR, '/tmp/redirector.log');
  await waitFor('the redirector API', async () => (await status()) !== undefined, 15_000, 20);
  const apiMs = Date.now();
  return { startedMs: Number((await lab.execOk('fe1', ['cat', STARTED_AT])).trim()), apiMs };
};
/** The restarted daemon's own account of its start-up dump into table 111: the ms of its routes-rebuilt event with every route. */
const rebuildReported = async (): Promise<number> => {
  const lines = (await lab.execOk('fe1', ['sh', '-c', 'grep \'"routes-rebuilt"\' /tmp/redirector.log || true'])).trim().split('\n');
  const event = lines
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { entries: number; ms: number })
    .find((e) => e.entries >= ROUTES);
  if (!event)
    throw new Error(`the restarted redirector logged no routes-rebuilt event with ${ROUTES} entries (/tmp/redirector.log on fe1)`);
  return event.ms;
};
const stopRedirector = async () => {
  if (redirector) await stopBackground(lab, 'fe1', redirector);
  redirector = undefined;
};
/**
 * Empties fe1's conntrack: each side's new connections leave theirs (TIME_WAIT, 120 s; HAProxy
 * two per connection) and 400,000 connections a run would fill the table (262,144 here) and
 * drop SYNs in later rounds; and the restart figures are for the 100,000 routes alone.
 */
const flushConntrack = () => lab.execOk('fe1', ['sh', '-c', 'conntrack -F 2>/dev/null || true']);
const withHaproxy = async <T>(run: () => Promise<T>): Promise<T> => {
  await fe1Addresses();
  await flushConntrack();
  const pid = await background(lab, 'fe1', HAPROXY, '/tmp/haproxy.log');
  try {
    await waitFor('HAProxy listening', async () => (await lab.exec('fe1', ['sh', '-c', `ss -ltn | grep -q '${VIP}:7100'`])).exitCode === 0);
    return await run();
  } finally {
    await stopBackground(lab, 'fe1', pid);
  }
};
const iperf = (target: string) => iperfGbits(lab, 'cl1', target, SECONDS);
const CLIENTS = ['cl1', 'cl2'];
const rate = () => connectionLoad(lab, CLIENTS, { host: VIP, port: 7100 }, CONNECTIONS, 50);
const rssMiB = async (pid: string) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(await lab.execOk('fe1', ['cat', `/proc/${pid}/status`]))?.[1] ?? NaN) / 1024;

try {
  await lab.execOk('be1', ['sh', '-c', 'iperf3 -s -D']);
  await startNginx(lab, ['be1', 'be2']);
  await lab.execOk('cl1', ['ip', 'route', 'replace', '198.18.31.0/24', 'via', '198.18.30.21']);

  const gbits = { direct: [] as number[], redirector: [] as number[], haproxy: [] as number[] };
  const rates = { redirector: [] as number[], haproxy: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    await fe1Addresses();
    gbits.direct.push(await iperf(BE1));
    await flushConntrack();
    await startRedirector();
    gbits.redirector.push(await iperf(VIP));
    rates.redirector.push(await rate());
    await stopRedirector();
    await withHaproxy(async () => {
      gbits.haproxy.push(await iperf(VIP));
      rates.haproxy.push(await rate());
    });
  }
  const result = startBench(
    'redirector-bench',
    `On the redirector lab (${topology.name}). Throughput: iperf3 cl1 → be1, one TCP stream, ${RUNS} rounds × ${SECONDS} s, ` +
      `direct (fe1 routes) then through the redirector then through HAProxy per round. New connections: ${CONNECTIONS.toLocaleString('en-US')} ` +
      `from each of ${CLIENTS.join(' and ')} at once (ab, one connection per request, 50 at a time each) to nginx behind VIP:7100 ` +
      `(be1:be2 = 1:1; HAProxy, by client address, puts each client on one), all completed over the longer run, once per round each. ` +
      `Routes: ${ROUTES.toLocaleString('en-US')} established connections of 8080 created in fe1's conntrack; the daemon's memory, ` +
      `${RESTARTS} restarts timed from the new process's start (stamped in fe1 just before exec) to its API answering and to it ` +
      "showing every route in table 111 (polled every 20 ms), and the restarted daemon's own rebuild of 111 (its routes-rebuilt event); " +
      'and the dump, and the dump decoded into table 111, alone in process.',
  );
  const ratio = (xs: number[]) => xs.map((x, i) => x / gbits.direct[i]!);
  result.add('throughput, direct (fe1 routes, no daemon)', 'Gbit/s', gbits.direct);
  result.add('throughput, through the redirector (DNAT)', 'Gbit/s', gbits.redirector);
  result.add('throughput, through HAProxy (TCP proxy)', 'Gbit/s', gbits.haproxy);
  result.add('redirector ÷ direct, per round', 'ratio', ratio(gbits.redirector), '≥ 0.9');
  result.add(
    'redirector ÷ HAProxy, per round',
    'ratio',
    gbits.redirector.map((x, i) => x / gbits.haproxy[i]!),
  );
  result.add('HAProxy ÷ direct, per round', 'ratio', ratio(gbits.haproxy));
  result.add('new connections, through the redirector', 'connections/s', rates.redirector);
  result.add('new connections, through HAProxy', 'connections/s', rates.haproxy);
  result.add(
    'redirector ÷ HAProxy new connections, per round',
    'ratio',
    rates.redirector.map((x, i) => x / rates.haproxy[i]!),
    '> 1',
  );

  await fe1Addresses();
  await flushConntrack();
  await startRedirector();
  const emptyMiB = await rssMiB(redirector!);
  const fill = JSON.parse(await lab.execOk('fe1', ['sh', '-c', `${ROUTES_TOOL} fill ${ROUTES}`])) as { created: number; ms: number };
  await waitFor(`${ROUTES} routes in table 111`, async () => (await status()).assigned.count >= ROUTES, 60_000);
  await sleep(1000);
  const fullMiB = await rssMiB(redirector!);
  const restartMs: number[] = [];
  const apiUpMs: number[] = [];
  const rebuiltMs: number[] = [];
  const restartedMiB: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    await stopRedirector();
    const { startedMs, apiMs } = await startRedirector();
    await waitFor(`${ROUTES} routes after a restart`, async () => (await status()).assigned.count >= ROUTES, 30_000, 20);
    restartMs.push(Date.now() - startedMs);
    apiUpMs.push(apiMs - startedMs);
    rebuiltMs.push(await rebuildReported());
    await sleep(1000);
    restartedMiB.push(await rssMiB(redirector!));
  }
  const rebuild = JSON.parse(await lab.execOk('fe1', ['sh', '-c', `${ROUTES_TOOL} rebuild 5`])) as {
    routes: number;
    dumpMs: number[];
    rebuildMs: number[];
  };
  result.add(`redirector resident memory, table 111 empty`, 'MiB', [emptyMiB]);
  result.add(`redirector resident memory, ${ROUTES.toLocaleString('en-US')} routes in 111`, 'MiB', [fullMiB]);
  result.add(`redirector resident memory, ${ROUTES.toLocaleString('en-US')} routes in 111, 1 s after each restart`, 'MiB', restartedMiB);
  result.add(`restart: the restarted daemon's rebuild of 111 from conntrack (its routes-rebuilt event)`, 'ms', rebuiltMs, '< 1 s');
  result.add('restart: process start → API answers (100,000 routes in conntrack)', 'ms', apiUpMs);
  result.add(`restart: process start → API shows ${ROUTES.toLocaleString('en-US')} routes in 111`, 'ms', restartMs);
  result.add(`rebuild alone: ctnetlink dump of ${rebuild.routes.toLocaleString('en-US')} entries, decoded`, 'ms', rebuild.dumpMs);
  result.add('rebuild alone: the same dump decoded into a new table 111', 'ms', rebuild.rebuildMs);
  result.note(
    `${fill.created.toLocaleString('en-US')} conntrack entries created in ${Math.round(fill.ms)} ms; after its start-up dump the daemon ` +
      "follows conntrack's events, so 100,000 idle routes cost it nothing per refresh.",
  );
  await result.write();
} finally {
  await stopRedirector().catch(() => undefined);
  await lab.destroy();
}
