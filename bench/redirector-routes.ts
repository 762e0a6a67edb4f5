// Run inside the redirector lab's fe1 by bench/redirector-bench.ts (Node 18 of the lab image):
//   node redirector-routes.js fill N     N established connections of clients to VIP:8080,
//                                        DNAT'd to be1 and be2 alternately, created in conntrack
//                                        over ctnetlink (what N forwarded connections leave there);
//                                        prints {created, present, ms}
//   node redirector-routes.js rebuild R  R times: the ctnetlink dump of the VIP's entries decoded
//                                        and dropped, then the redirector's own rebuild of table
//                                        111 (the same dump decoded into a new table); prints
//                                        {routes, dumpMs, rebuildMs}
// Client addresses 198.18.30.1 and .3 (cl1's), ports from 10,000: at most 2 × 50,000 entries.
import { performance } from 'node:perf_hooks';
import { AssignedRoutes } from '../src/daemons/redirector/front/assigned-routes.js';
import { IPPROTO_TCP, IPS_ASSURED, IPS_SEEN_REPLY } from '../src/kernel/ctnetlink-attributes.js';
import { Conntrack } from '../src/kernel/ctnetlink.js';
import type { ConntrackNew } from '../src/kernel/ctnetlink-codec.js';

const VIP = '198.18.30.100';
const SERVICE = 8080;
const CLIENTS = ['198.18.30.1', '198.18.30.3'];
const BACKENDS = [
  { name: 'be1', ip: '198.18.31.11' },
  { name: 'be2', ip: '198.18.31.12' },
];
const PER_CLIENT = 50_000;
const FIRST_PORT = 10_000;

const entry = (i: number): ConntrackNew => ({
  orig: {
    src: CLIENTS[Math.floor(i / PER_CLIENT)]!,
    dst: VIP,
    protocol: IPPROTO_TCP,
    sport: FIRST_PORT + (i % PER_CLIENT),
    dport: SERVICE,
  },
  status: IPS_SEEN_REPLY | IPS_ASSURED,
  timeoutS: 3600,
  tcpState: 'ESTABLISHED',
  dnat: { ip: BACKENDS[i % 2]!.ip, port: SERVICE },
});

const [command, arg] = process.argv.slice(2);
const n = Number(arg);
if (!Number.isInteger(n) || n < 1) throw new Error(`usage: redirector-routes.js fill N | rebuild R (got '${command ?? ''} ${arg ?? ''}')`);
const conntrack = new Conntrack();
if (command === 'fill') {
  if (n > CLIENTS.length * PER_CLIENT) throw new Error(`fill ${n}: at most ${CLIENTS.length * PER_CLIENT} entries`);
  const t0 = performance.now();
  const result = conntrack.create(Array.from({ length: n }, (_, i) => entry(i)));
  process.stdout.write(JSON.stringify({ ...result, ms: performance.now() - t0 }) + '\n');
} else if (command === 'rebuild') {
  const dumpMs: number[] = [];
  const rebuildMs: number[] = [];
  let routes = 0;
  for (let r = 0; r < Math.min(n, 50); r++) {
    const t0 = performance.now();
    conntrack.dumpEach({ origDst: VIP }, () => undefined);
    const t1 = performance.now();
    const table = new AssignedRoutes(BACKENDS, VIP, [SERVICE]);
    table.beginRebuild();
    conntrack.dumpEach({ origDst: VIP }, (f) => table.observe(f));
    table.endRebuild();
    rebuildMs.push(performance.now() - t1);
    dumpMs.push(t1 - t0);
    routes = table.size;
  }
  process.stdout.write(JSON.stringify({ routes, dumpMs, rebuildMs }) + '\n');
} else throw new Error(`redirector-routes.js: unknown command '${command}' (fill or rebuild)`);
conntrack.close();
