// shared-nic benchmarks on the shared-nic lab (not timed tests; figures for docs/measurements.md), issue 14:
//
// 1. Throughput, iperf3 cl1 → srv10, one TCP stream, always over the same wires (cl1 → sw → dev
//    → srv10). Only what dev does differs:
//      direct   dev a plain router, no daemon, no ruleset: cl1 connects to srv10's link address;
//      by IP    the shared-nic daemon, srv10 registered 198.18.40.11 (embodiment 1: proxy ARP,
//               /32 route, forward filter);
//      by port  the same daemon, port 5201 of IP 37 active on srv10 (embodiment 2: DNAT + conntrack).
//    Per round the three back to back, in alternating order (direct first in even rounds, last
//    in odd ones) so that a drift of the shared host's load does not favour one of them, and
//    never right after the daemon started (its start-up burns CPU the forwarding needs: the
//    first figure after it came out lowest). Ratios per round (target ≥ 0.9), their median and
//    spread.
// 2. New connections per second to IP 37:7100 (dispatched by port to srv10's name server, which
//    writes its name and closes), 2,000 connections, 50 at a time, from cl1.
// 3. Switch → first new connection on the new active: cl1 opens a connection to IP 37:7100 every
//    2 ms and logs which server answered; the bench POSTs /switch to the device (over the
//    management network) alternately for srv20 and srv10; per switch the time from sending the
//    request to the first connection the new active answered (both clocks are the host's).
// Environment: SHARED_NIC_LAB / SHARED_NIC_MGMT, BENCH_RUNS (throughput rounds), BENCH_SECONDS,
// BENCH_SWITCHES.
import { percentile } from '../src/orchestrator/checker/stats.js';
import { startBench } from './bench-result.js';
import {
  bounded,
  connectionRate,
  freshLab,
  background as inNode,
  iperfGbits,
  nameServer,
  sleep,
  stopBackground,
  waitFor,
} from './lab-bench-kit.js';

const RUNS = bounded('BENCH_RUNS', 8, 20);
const SECONDS = bounded('BENCH_SECONDS', 3, 30);
const SWITCHES = bounded('BENCH_SWITCHES', 20, 100);
const ROOT = '/opt/failover-lab';
const DEVICE = `${ROOT}/dist/src/daemons/shared-nic/device/main.js`;
const AGENT = `${ROOT}/dist/src/daemons/shared-nic/agent/main.js`;
const MGMT_PREFIX = process.env.SHARED_NIC_MGMT ?? '198.19.40';
const DEVICE_API = `http://${MGMT_PREFIX}.30:7080`;
const TOKEN = 'shared-nic-device-token';
const IP37 = '198.18.40.37';
const SETTLE_MS = 2000;

const { lab, topology } = await freshLab('topologies/shared-nic.clab.yml');

const background = (node: string, command: string, log: string) => inNode(lab, node, command, log);

const api = async <T>(path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${DEVICE_API}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

type Status = { table35: { ip: string }[]; table39: { port: number; state: string; server: string }[] };

let device: string | undefined;
const startDevice = async () => {
  device = await background('dev', `node ${DEVICE} --config ${ROOT}/topologies/shared-nic/dev.yml`, '/tmp/shared-nic.log');
  await waitFor('the device API', async () => (await api<Status>('/status')) !== undefined);
  // The agents register again on their next refresh (1 s).
  await waitFor('registrations', async () => {
    const s = await api<Status>('/status');
    return s.table35.length === 1 && s.table39.filter((r) => r.state === 'active').length === 2;
  });
  // A node process compiles and warms up for a second or so after it answers: not on iperf's CPUs.
  await sleep(SETTLE_MS);
};
const stopDevice = async () => {
  if (!device) return;
  const pid = device;
  device = undefined;
  await stopBackground(lab, 'dev', pid);
};

const agentConfig = (server: string, api: string, body: string) =>
  `printf 'device: { api: "${api}:7080", token: ${TOKEN} }\\nserver: ${server}\\n${body}' > /tmp/agent.yml`;

const NAME_SERVER = nameServer(7100);
const iperf = (target: string) => iperfGbits(lab, 'cl1', target, SECONDS);

/** cl1: one connection to IP 37:7100 every 2 ms for `seconds`, logging `<ms> <server>` per answer. */
const LOOP = (seconds: number) =>
  `node -e "const net=require('net');const end=Date.now()+${seconds * 1000};const one=()=>{if(Date.now()>end)return;const s=net.connect(7100,'${IP37}');let d='';s.on('data',(b)=>d+=b);s.on('close',()=>{if(d)console.log(Date.now()+' '+d);setTimeout(one,2)});s.on('error',()=>{})};one()"`;

try {
  await lab.execOk('srv10', ['sh', '-c', 'iperf3 -s -D']);
  for (const s of ['srv10', 'srv20']) await background(s, NAME_SERVER, '/tmp/name-server.log');
  await lab.execOk('srv10', [
    'sh',
    '-c',
    agentConfig(
      'srv10',
      '198.18.41.1',
      'register: { ip: 198.18.40.11, port: 5201 }\\nports:\\n  - { port: 5201, state: active }\\n  - { port: 7100, state: active }\\n',
    ),
  ]);
  await lab.execOk('srv20', ['sh', '-c', agentConfig('srv20', '198.18.42.1', 'ports:\\n  - { port: 7100, state: standby }\\n')]);
  for (const s of ['srv10', 'srv20']) await background(s, `node ${AGENT} --config /tmp/agent.yml`, '/tmp/agent.log');
  await lab.execOk('cl1', ['ip', 'route', 'replace', '198.18.41.0/24', 'via', IP37]);

  const runs = { direct: [] as number[], byIp: [] as number[], byPort: [] as number[] };
  const direct = async () => {
    await stopDevice();
    await lab.execOk('dev', ['sh', '-c', `sysctl -qw net.ipv4.ip_forward=1 && ip addr replace ${IP37}/24 dev eth1`]);
    runs.direct.push(await iperf('198.18.41.10'));
  };
  const throughDevice = async (order: ('byIp' | 'byPort')[]) => {
    if (!device) await startDevice();
    for (const which of order) runs[which].push(await iperf(which === 'byIp' ? '198.18.40.11' : IP37));
  };
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      await direct();
      await throughDevice(['byIp', 'byPort']);
    } else {
      await throughDevice(['byPort', 'byIp']);
      await direct();
    }
  }
  // The connection and switch figures below need the device.
  if (!device) await startDevice();
  const result = startBench(
    'shared-nic-bench',
    `On the shared-nic lab (${topology.name}). Throughput: iperf3, one TCP stream, ${RUNS} rounds × ${SECONDS} s, direct then ` +
      `by IP then by port per round. New connections: 2,000 to IP 37:7100, 50 at a time, 3 runs. Switch: ${SWITCHES} switches, ` +
      'from the POST /switch request to the first connection the new active answered (cl1 connects every 2 ms).',
  );
  const ratio = (xs: number[]) => xs.map((x, i) => x / runs.direct[i]!);
  result.add('throughput, direct (dev routes, no daemon)', 'Gbit/s', runs.direct);
  result.add('throughput, by IP (embodiment 1)', 'Gbit/s', runs.byIp);
  result.add('throughput, by port (embodiment 2, DNAT)', 'Gbit/s', runs.byPort);
  result.add('by IP ÷ direct, per round', 'ratio', ratio(runs.byIp), '≥ 0.9');
  result.add('by port ÷ direct, per round', 'ratio', ratio(runs.byPort), '≥ 0.9');
  for (const [name, xs] of [
    ['by IP ÷ direct', ratio(runs.byIp)],
    ['by port ÷ direct', ratio(runs.byPort)],
    ['direct (Gbit/s)', runs.direct],
  ] as const)
    result.note(
      `${name}: median ${percentile(xs, 50).toFixed(2)}, quartiles ${percentile(xs, 25).toFixed(2)}–${percentile(xs, 75).toFixed(2)}, range ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} over ${xs.length} rounds`,
    );

  const rates: number[] = [];
  for (let i = 0; i < 3; i++) rates.push(Number((await lab.execOk('cl1', ['sh', '-c', connectionRate(IP37, 7100, 2000, 50)])).trim()));
  result.add('new connections dispatched by port', 'connections/s', rates);

  const loopSeconds = Math.ceil(SWITCHES * 0.6) + 3;
  await lab.execOk('cl1', ['sh', '-c', `${LOOP(loopSeconds)} > /tmp/loop.log 2>&1 &`]);
  await sleep(1000);
  const sent: { t: number; to: string }[] = [];
  for (let i = 0; i < SWITCHES; i++) {
    const to = i % 2 === 0 ? 'srv20' : 'srv10';
    const t = Date.now();
    await api('/switch', { server: to, port: 7100 });
    sent.push({ t, to });
    await sleep(500);
  }
  await sleep(loopSeconds * 1000 - SWITCHES * 500);
  const answers = (await lab.execOk('cl1', ['cat', '/tmp/loop.log']))
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter((f) => f.length === 2)
    .map(([t, name]) => ({ t: Number(t), name: name! }));
  const delays = sent.flatMap(({ t, to }) => {
    const first = answers.find((a) => a.t >= t && a.name === to);
    return first ? [first.t - t] : [];
  });
  result.add('switch request → first new connection on the new active', 'ms', delays);
  result.note(
    `switch: p50 ${percentile(delays, 50)} ms, p95 ${percentile(delays, 95)} ms over ${delays.length} of ${SWITCHES} switches; ` +
      `${answers.length} connections answered in all (the 2 ms loop bounds the resolution).`,
  );
  await result.write();
} finally {
  await lab.destroy();
}
