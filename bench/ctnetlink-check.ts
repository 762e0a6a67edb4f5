// A real-kernel check of the balancer's access table over ctnetlink, without Docker: run as root
// inside a scratch network namespace whose conntrack table is empty, e.g.
//
//   ip netns add ctnl-test && ip netns exec ctnl-test node dist/bench/ctnetlink-check.js; ip netns del ctnl-test
//
// It needs the `conntrack` CLI, which serves as the reference. Checks, failing (exit 1) at the first difference:
// 1. Entries created through ctnetlink equal those `conntrack -I` creates from the same row
//    (status bits incl. the NAT ones, reply tuple, TCP state, timeout): DNAT, full NAT, UDP, SYN_SENT.
// 2. The kernel filters a dump by original destination (no entry of another VIP comes back).
// 3. Rounds of step 3 with CHECK_ROWS (10,000) rows of one VIP — a fifth of them full NAT, some
//    UDP, some ended — beside rows of a second VIP that must stay untouched: import (all
//    created), export (the rows imported, no more), `conntrack -L -d VIP -o extended` read by
//    the old reader gives the same rows, import again (all present, none created), delete
//    (every entry of the VIP, an ICMP one too). Prints the median time of each step over
//    CHECK_ROUNDS (5) rounds.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { deleteRows, exportRows, importRows, readRows } from '../src/daemons/nat-lb/balancer/access-table.js';
import { entryOf, rowKey } from '../src/daemons/shared/conntrack-rows.js';
import type { AccessRow } from '../src/daemons/nat-lb/protocol.js';
import { Conntrack } from '../src/kernel/ctnetlink.js';
import { type ConntrackEntry, dumpMessage, parseDumpPart } from '../src/kernel/ctnetlink-codec.js';
import { NETLINK_NETFILTER, NetlinkSocket } from '../src/kernel/netlink-socket.js';
import { parseConntrackListing } from '../test/helpers/conntrack-listing.js';
import { bounded } from './lab-bench-kit.js';

const ROWS = bounded('CHECK_ROWS', 10_000, 60_000);
const ROUNDS = bounded('CHECK_ROUNDS', 5, 20);
const V1 = '198.18.20.101';
const V2 = '198.18.20.102';
const OTHER_ROWS = 300;

const conntrackCli = (args: string[]): string =>
  execFileSync('conntrack', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
const count = (): number => Number(readFileSync('/proc/sys/net/netfilter/nf_conntrack_count', 'utf8').trim());

const refuseOutsideScratchNamespace = (): void => {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  // `ip netns exec` bind-mounts the namespace under /run/netns: the host's own is not there.
  const self = statSync('/proc/self/ns/net');
  const named = readdirSync('/run/netns', { withFileTypes: true }).find((f) => statSync(`/run/netns/${f.name}`).ino === self.ino);
  if (!named) throw new Error("run inside a scratch network namespace (ip netns add NAME; ip netns exec NAME …), not the host's");
  if (count() !== 0) throw new Error(`the conntrack table of this namespace has ${count()} entries: use a fresh namespace`);
};

/** `n` rows of `vip` from 40 clients: every fifth in full NAT, some UDP, some ended or half-open. */
const makeRows = (vip: string, n: number, serverNet: number): AccessRow[] =>
  Array.from({ length: n }, (_, i) => {
    const udp = i % 50 === 1;
    const state = udp ? undefined : (['TIME_WAIT', 'SYN_SENT', 'FIN_WAIT', 'CLOSE_WAIT'][(i % 100) - 2] ?? 'ESTABLISHED');
    return {
      clientIp: `198.18.20.${1 + (i % 40)}`,
      clientPort: 20_000 + Math.floor(i / 40),
      vip,
      vipPort: udp ? 53 : i % 7 === 0 ? 80 : 7000,
      ...(i % 5 === 0 ? { insideIp: `198.18.${serverNet}.101`, insidePort: 10_000 + i / 5 } : {}),
      serverIp: `198.18.${serverNet}.${11 + (i % 4)}`,
      serverPort: udp ? 53 : i % 7 === 0 ? 8080 : 7000,
      protocol: udp ? 'udp' : 'tcp',
      ...(state ? { state } : {}),
      delta: 0,
    };
  });

const withoutTime = ({ timestampMs: _, ...rest }: AccessRow) => rest;
const sameRows = (what: string, actual: readonly AccessRow[], expected: readonly AccessRow[], since?: number): void => {
  const byKey = new Map(expected.map((r) => [rowKey(r), r]));
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} rows, expected ${expected.length}`);
  for (const r of actual) {
    const e = byKey.get(rowKey(r));
    assert.ok(e, `${what}: unexpected row ${rowKey(r)}`);
    assert.deepEqual(withoutTime(r), withoutTime(e), `${what}: ${rowKey(r)}`);
    if (since !== undefined)
      assert.ok(
        r.timestampMs !== undefined && r.timestampMs >= since - 1000 && r.timestampMs <= Date.now() + 1000,
        `${what}: ${rowKey(r)} created at ${r.timestampMs}`,
      );
    else if (e.timestampMs !== undefined)
      assert.ok(
        Math.abs((r.timestampMs ?? 0) - e.timestampMs) <= 2000,
        `${what}: ${rowKey(r)} created at ${r.timestampMs} vs ${e.timestampMs}`,
      );
  }
};

/** The `conntrack -I` arguments the balancer used to recreate a row. */
const cliInsert = (r: AccessRow): string[] => {
  const e = entryOf(r);
  return [
    '-I',
    '-s',
    r.clientIp,
    '-d',
    r.vip,
    '-p',
    r.protocol,
    '--sport',
    String(r.clientPort),
    '--dport',
    String(r.vipPort),
    ...(e.tcpState ? ['--state', e.tcpState] : []),
    ...(e.status ? ['-u', 'SEEN_REPLY,ASSURED'] : []),
    '-t',
    String(e.timeoutS),
    '--dst-nat',
    `${r.serverIp}:${r.serverPort}`,
    ...(r.insideIp ? ['--src-nat', `${r.insideIp}:${r.insidePort}`] : []),
  ];
};

const comparable = ({ orig, reply, status, tcpState }: ConntrackEntry) => ({ orig, reply, status, tcpState });

/** 1. What ctnetlink creates is what `conntrack -I` creates. */
const checkSameAsConntrackInsert = (table: Conntrack): void => {
  const samples = makeRows('198.18.20.99', 100, 22).filter((_, i) => [0, 1, 3, 21].includes(i));
  assert.deepEqual(
    samples.map((r) => `${r.protocol} ${r.state ?? '-'} ${r.insideIp ? 'full' : 'dnat'}`),
    ['tcp ESTABLISHED full', 'udp - dnat', 'tcp SYN_SENT dnat', 'tcp ESTABLISHED dnat'],
  );
  for (const row of samples) {
    conntrackCli(cliInsert(row));
    const [byCli] = table.dump({ origDst: row.vip });
    table.delete([byCli!.origKey]);
    assert.equal(table.create([entryOf(row)]).created, 1);
    const [ours] = table.dump({ origDst: row.vip });
    table.delete([ours!.origKey]);
    assert.deepEqual(comparable(ours!), comparable(byCli!), `created like conntrack -I: ${rowKey(row)}`);
    assert.ok(Math.abs(ours!.timeoutS! - byCli!.timeoutS!) <= 2, `timeout ${ours!.timeoutS} vs ${byCli!.timeoutS}`);
  }
  console.log(`same entries as conntrack -I (tuples, status incl. NAT bits, state, timeout): ${samples.length} kinds of row`);
};

/** 2. The kernel itself leaves out other destinations (not the reader's second filter). */
const checkKernelFilter = (): number => {
  const socket = new NetlinkSocket(NETLINK_NETFILTER);
  try {
    socket.send(dumpMessage(1, { origDst: V1 }));
    const entries: ConntrackEntry[] = [];
    socket.receiveUntil(5000, (d) => {
      const part = parseDumpPart(d, 1);
      entries.push(...part.entries);
      return part.done || undefined;
    });
    const others = entries.filter((e) => e.orig.dst !== V1).length;
    assert.equal(others, 0, `the kernel sent ${others} entries of other destinations`);
    return entries.length;
  } finally {
    socket.close();
  }
};

const timed = async <T>(run: () => Promise<T> | T): Promise<[T, number]> => {
  const t = performance.now();
  const result = await run();
  return [result, performance.now() - t];
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const main = async (): Promise<void> => {
  refuseOutsideScratchNamespace();
  writeFileSync('/proc/sys/net/netfilter/nf_conntrack_timestamp', '1');
  const table = new Conntrack();
  checkSameAsConntrackInsert(table);
  assert.equal(count(), 0);

  const rows = makeRows(V1, ROWS, 21);
  const live = rows.filter((r) => r.state !== 'TIME_WAIT' && r.state !== 'CLOSE');
  // Other servers: a reply tuple equal to one of V1's would make the kernel refuse that row.
  const others = makeRows(V2, OTHER_ROWS, 23);
  assert.equal(await importRows(V2, others), OTHER_ROWS);
  const times = {
    import: [] as number[],
    export: [] as number[],
    again: [] as number[],
    delete: [] as number[],
    step3: [] as number[],
    cli: [] as number[],
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const started = Date.now();
    const [created, tImport] = await timed(() => importRows(V1, rows));
    assert.equal(created, ROWS, 'import creates every row');
    conntrackCli([
      '-I',
      '-p',
      'icmp',
      '-s',
      '198.18.20.1',
      '-d',
      V1,
      '--icmp-type',
      '8',
      '--icmp-code',
      '0',
      '--icmp-id',
      String(round),
      '-t',
      '30',
      '--dst-nat',
      '198.18.21.11',
    ]);

    const [exported, tExport] = await timed(() => exportRows(V1));
    sameRows('export', exported, live, started);
    const all = await readRows([V1], true);
    sameRows('read with ended rows', all, rows, started);
    if (round === 1) console.log(`in-kernel dump filter: ${checkKernelFilter()} entries sent for ${V1}, none of ${V2}`);

    const t = performance.now();
    const listing = conntrackCli(['-L', '-d', V1, '-o', 'extended']);
    times.cli.push(performance.now() - t);
    sameRows('conntrack -L read by the old reader', parseConntrackListing(listing, new Set([V1]), Date.now(), true), all);

    const [again, tAgain] = await timed(() => table.create(rows.map(entryOf)));
    assert.deepEqual(again, { created: 0, present: ROWS }, 'a second import finds every row present');
    assert.equal(await importRows(V1, rows.slice(0, 100)), 0);

    const [deleted, tDelete] = await timed(() => deleteRows(V1));
    assert.equal(deleted, ROWS + 1, 'delete takes every entry of the VIP, the ICMP one too');
    assert.equal((await readRows([V1], true)).length, 0);
    assert.equal(count(), OTHER_ROWS, "the other VIP's entries stay");
    sameRows('the other VIP', await readRows([V2], true), others);

    times.import.push(tImport);
    times.export.push(tExport);
    times.again.push(tAgain);
    times.delete.push(tDelete);
    times.step3.push(tImport + tExport + tDelete);
    console.log(
      `round ${round}: import ${tImport.toFixed(1)} ms, export ${tExport.toFixed(1)} ms, import again ${tAgain.toFixed(1)} ms, delete ${tDelete.toFixed(1)} ms`,
    );
  }
  assert.equal(await deleteRows(V2), OTHER_ROWS);
  table.close();
  const fmt = (xs: number[]) => `${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
  console.log(`\n${ROWS} rows, median of ${ROUNDS}:`);
  console.log(`  import (create)        ${fmt(times.import)}`);
  console.log(`  export (filtered dump) ${fmt(times.export)}`);
  console.log(`  import again (present) ${fmt(times.again)}`);
  console.log(`  delete (dump + delete) ${fmt(times.delete)}`);
  console.log(`  step 3 (export + import + delete) ${fmt(times.step3)}`);
  console.log(`  for comparison, conntrack -L -d VIP -o extended (spawn, print): ${fmt(times.cli)}`);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
