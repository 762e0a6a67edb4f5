// What one read of /proc/net/tcp and /proc/net/tcp6 costs a node, with the host's TCP table
// and with a table of its own (kernel/netns-tcp-hash.ts). The socket-watching daemons read both
// files on a timer (shared-nic's agent every 50 ms), so this is their kernel time per tick.
//   shared: read from the host's namespace, whose table every namespace made while
//           net.ipv4.tcp_child_ehash_entries was 0 uses (the same buckets are walked);
//   own:    read from a namespace made now (`unshare -n`), after the sysctl is set as a deploy sets it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureNodeTcpHash } from '../src/kernel/netns-tcp-hash.js';
import { percentile } from '../src/orchestrator/checker/stats.js';
import { startBench } from './bench-result.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const READS = 40;

/** ms per read of both files, one value per run. */
const timeReads = (): number[] =>
  Array.from({ length: RUNS }, () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < READS; i++) {
      readFileSync('/proc/net/tcp');
      readFileSync('/proc/net/tcp6');
    }
    return Number(process.hrtime.bigint() - start) / 1e6 / READS;
  });

const buckets = (): string => readFileSync('/proc/sys/net/ipv4/tcp_ehash_entries', 'utf8').trim();

if (process.argv[2] === '--in-namespace') {
  process.stdout.write(JSON.stringify({ buckets: buckets(), values: timeReads() }));
} else {
  const table = ensureNodeTcpHash();
  if (table.kind === 'shared') throw new Error(`no table of its own for a new namespace: ${table.problem}`);
  const result = startBench(
    'node-tcp-table-bench',
    `One read of /proc/net/tcp and /proc/net/tcp6 (what a socket-watching daemon does each tick), averaged over ${READS} reads; ` +
      `${RUNS} runs (\`BENCH_RUNS\`), one value per run. "shared": from the host's namespace, whose table a node made while ` +
      `net.ipv4.tcp_child_ehash_entries was 0 walks; "own": from a namespace made after a deploy set it.`,
  );
  const shared = timeReads();
  const child = spawnSync('unshare', ['-n', process.execPath, fileURLToPath(import.meta.url), '--in-namespace'], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`unshare -n: ${child.stderr.trim() || `exit ${child.status}`}`);
  const own = JSON.parse(child.stdout) as { buckets: string; values: number[] };
  result.add(`shared table (${buckets()} buckets)`, 'ms per read', shared);
  result.add(`own table (${own.buckets} buckets)`, 'ms per read', own.values);
  const median = (v: number[]) => percentile(v, 50).toFixed(2);
  process.stderr.write(`shared ${median(shared)} ms, own ${median(own.values)} ms per read of tcp + tcp6\n`);
  await result.write();
}
