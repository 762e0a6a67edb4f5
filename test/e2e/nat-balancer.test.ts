// nat-balancer on real containers (the nat-lb lab, seed 001 §6): normal-mode translation and
// refusals, a planned move of V1 from lb1 to lb2 driven step by step over HTTP with probe
// streams running through it, variant 3 (drop instead of hold) and full NAT. Every test
// starts both balancers afresh with the embodiment it needs.
import { strict as assert } from 'node:assert';
import { Lab, type StartedLab } from '../../src/lab/lab.js';
import { balancerRowsReplySchema, type AccessRow, type BalancerStatus } from '../../src/daemons/nat-lb/protocol.js';
import type { ProbeSummary, StreamSummary } from '../../src/probe/probe-report.js';
import { loadTopology, sleep, testContext, waitFor } from '../helpers/lab-fixture.js';

const TOPOLOGY = 'topologies/nat-lb.clab.yml';
const DAEMON = '/opt/failover-lab/dist/src/daemons/nat-lb/balancer/main.js';
const PROBE = '/opt/failover-lab/dist/src/probe/main.js';
/** The lab's management prefix (NAT_LB_MGMT, as in topologies/nat-lb.clab.yml). */
const MGMT_PREFIX = process.env.NAT_LB_MGMT ?? '198.19.20';
const MGMT = { lb1: `${MGMT_PREFIX}.21`, lb2: `${MGMT_PREFIX}.22` } as const;
const MAC = { lb2out: '02:00:5e:14:00:22', lb2in: '02:00:5e:15:00:22' };
const V1 = '198.18.20.101';
const V2 = '198.18.20.102';
const V3 = '198.18.20.103';
const TOKEN = 'nat-lb-control-token';
type Lb = keyof typeof MGMT;

const api = async <T>(lb: Lb, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`http://${MGMT[lb]}:7080${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await res.json()) as T;
  assert.equal(res.status, 200, `${lb} ${path}: ${JSON.stringify(json)}`);
  return json;
};
const status = (lb: Lb) => api<BalancerStatus>(lb, '/status');
const vipOf = (s: BalancerStatus, vip: string) => s.vips.find((v) => v.vip === vip);
/** The access table's rows of `vip` (GET /rows?vip=, the status API; checked against the protocol). */
const rowsOf = async (lb: Lb, vip: string) => balancerRowsReplySchema.parse(await api(lb, `/rows?vip=${vip}`)).rows;
const key = (r: AccessRow) =>
  `${r.clientIp}:${r.clientPort}>${r.vip}:${r.vipPort}>${r.serverIp}:${r.serverPort}/${r.insideIp ?? ''}:${r.insidePort ?? ''}`;
const refusals = (s: BalancerStatus) => (s.counters.refusedTcp ?? 0) + (s.counters.refusedOther ?? 0) + (s.counters.refusedServer ?? 0);

describe('nat-balancer (real containers, nat-lb lab)', function () {
  this.timeout(180_000);
  const ctx = testContext();
  let lab: StartedLab;
  const daemons: [string, string][] = [];
  let runId = 0;

  /** Runs `command` in the background on `node`; returns its PID. */
  const background = async (node: string, command: string, log: string): Promise<string> =>
    (await lab.execOk(node, ['sh', '-c', `${command} > ${log} 2>&1 & echo $!`])).trim();

  const startBalancers = async (variant: '' | '-drop' | '-fullnat') => {
    while (daemons.length) {
      const [node, pid] = daemons.pop()!;
      await lab.exec(node, ['sh', '-c', `kill ${pid}; while kill -0 ${pid} 2>/dev/null; do sleep 0.05; done`]);
    }
    for (const lb of ['lb1', 'lb2'] as const) {
      await lab.execOk(lb, ['sh', '-c', 'conntrack -F 2>/dev/null; true']);
      daemons.push([
        lb,
        await background(
          lb,
          `node ${DAEMON} --config /opt/failover-lab/topologies/nat-lb/${lb}${variant}.yml`,
          `/tmp/nat-balancer${variant}.log`,
        ),
      ]);
    }
    for (const lb of ['lb1', 'lb2'] as const)
      await waitFor(`${lb} API`, async () => (await status(lb).catch(() => undefined)) !== undefined);
  };

  /** Starts a probe client; resolves to a function that waits for its summary. */
  const client = async (node: string, vip: string, streams: number, durationS: number, firstStreamId: number, extra = '') => {
    const file = `/tmp/summary-${++runId}.json`;
    await background(
      node,
      `node ${PROBE} client --connect ${vip}:7000 --streams ${streams} --first-stream-id ${firstStreamId} --direction echo --rate 200k --duration-s ${durationS} --no-reconnect --stall-ms 5000 --gap-threshold-ms 150 --node ${node} --summary ${file} ${extra}`,
      `/tmp/client-${runId}.log`,
    );
    return async (): Promise<StreamSummary[]> => {
      await waitFor(
        `${node} probe summary ${file}`,
        async () => (await lab.exec(node, ['test', '-s', file])).exitCode === 0,
        (durationS + 20) * 1000,
      );
      return (JSON.parse(await lab.execOk(node, ['cat', file])) as ProbeSummary).summary;
    };
  };
  const assertWhole = (streams: StreamSummary[], what: string) => {
    for (const s of streams) {
      assert.deepEqual(
        { resets: s.resets, eofs: s.eofs, timeouts: s.timeouts, lost: s.bytesLost, corrupt: s.bytesCorrupt, failed: s.failed },
        { resets: 0, eofs: 0, timeouts: 0, lost: 0, corrupt: 0, failed: false },
        `${what}, stream ${s.stream}: ${JSON.stringify(s)}`,
      );
      assert.ok(s.bytes > 0, `${what}, stream ${s.stream} carried data`);
    }
  };
  const waitRows = (lb: Lb, vip: string, count: number) =>
    waitFor(`${count} rows for ${vip} on ${lb}`, async () => (await rowsOf(lb, vip)).length === count);
  const neighbour = async (node: string, address: string) =>
    (await lab.execOk(node, ['ip', 'neigh', 'show', address])).match(/lladdr (\S+)/)?.[1];

  before(async () => {
    const topology = await loadTopology(TOPOLOGY);
    await new Lab(topology, ctx).destroy();
    lab = await new Lab(topology, ctx).deploy();
    for (const s of ['s1', 's2', 's3'])
      await background(s, `node ${PROBE} server --listen 0.0.0.0:7000 --node ${s}`, '/tmp/probe-server.log');
  });

  after(async () => {
    await lab?.destroy();
  });

  it('normal mode (§6 1–3): a row on lb1 only, the server sees the client, no mid-stream pickup, unknown VIPs refused, row gone after close', async () => {
    await startBalancers('');
    const done = await client('cl1', V1, 1, 3, 100);
    await waitRows('lb1', V1, 1);
    const [row] = await rowsOf('lb1', V1);
    assert.deepEqual(
      [row!.clientIp, row!.vip, row!.vipPort, row!.serverIp, row!.serverPort, row!.insideIp],
      ['198.18.20.1', V1, 7000, '198.18.21.11', 7000, undefined],
    );
    assert.deepEqual(await rowsOf('lb2', V1), []);
    const peers = await lab.execOk('s1', ['ss', '-Htn', 'state', 'established', '( sport = :7000 )']);
    assert.match(peers, new RegExp(`198\\.18\\.20\\.1:${row!.clientPort}\\b`), 's1 sees the real client address and port');
    assertWhole(await done(), 'plain stream');
    await waitRows('lb1', V1, 0);

    // A mid-stream segment whose row is gone is refused with a reset, not adopted.
    const before = await status('lb1');
    const cut = await client('cl1', V1, 1, 6, 200);
    await waitRows('lb1', V1, 1);
    await lab.execOk('lb1', ['sh', '-c', `conntrack -D -d ${V1} >/dev/null 2>&1; true`]);
    const [cutStream] = await cut();
    assert.ok(cutStream!.resets >= 1 || cutStream!.failed, `the client saw the refusal: ${JSON.stringify(cutStream)}`);
    const afterCut = await status('lb1');
    assert.ok(afterCut.counters.refusedTcp! > before.counters.refusedTcp!, 'lb1 counted a TCP reset');
    assert.deepEqual(await rowsOf('lb1', V1), [], 'no row was created for the mid-stream segment');

    // 198.18.20.104 is in the VIP prefix and in no mode table: reset for TCP, ICMP for the rest.
    await lab.execOk('cl1', ['ip', 'route', 'replace', '198.18.20.104/32', 'via', '198.18.20.21']);
    const refused = await lab.execOk('cl1', [
      'node',
      '-e',
      `const s = require('net').connect(7000, '198.18.20.104'); s.on('error', (e) => { console.log(e.code); process.exit(0); }); s.on('connect', () => { console.log('connected'); process.exit(0); }); setTimeout(() => { console.log('timeout'); process.exit(0); }, 3000);`,
    ]);
    assert.equal(refused.trim(), 'ECONNREFUSED');
    // Linux rate-limits ICMP errors per peer (1/s, and a new peer's first seconds stay silent): ping a while.
    const ping = await lab.exec('cl1', ['ping', '-n', '-c', '8', '-i', '0.5', '-W', '1', '198.18.20.104']);
    assert.match(ping.stdout, /From 198\.18\.20\.21 .*(Unreachable|filtered)/i);
    assert.ok((await status('lb1')).counters.refusedUnknownVip! >= 2);
    // The access table's status API refuses what it cannot answer, naming the problem.
    const ask = (query: string) => fetch(`http://${MGMT.lb1}:7080/rows?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const bad = await ask('vip=nonsense');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /vip/);
    assert.equal((await ask('vip=198.18.20.109')).status, 409, 'a VIP the balancer does not know');
  });

  it('planned move of V1 from lb1 to lb2 (§6 4–8, 10): held, not refused; rows moved alone; released in order; a new connection set up after step 4; no stream disturbed', async () => {
    await startBalancers('');
    const udpLog = '/tmp/udp-order.txt';
    const synLog = '/tmp/syn-during-hold.json';
    await lab.execOk('s1', ['sh', '-c', `rm -f ${udpLog}`]);
    await lab.execOk('cl1', ['sh', '-c', `rm -f ${synLog}`]);
    await background(
      's1',
      `node -e "const fs=require('fs'); const s=require('dgram').createSocket('udp4'); s.on('message', (m) => fs.appendFileSync('${udpLog}', m + '\\n')); s.bind(7001); setTimeout(() => process.exit(0), 60000);"`,
      '/tmp/udp-rx.log',
    );
    await background(
      's1',
      `node -e "const n=require('net').createServer((c) => c.pipe(c)).listen(7002); setTimeout(() => process.exit(0), 60000);"`,
      '/tmp/tcp-echo.log',
    );
    const v1 = await client('cl1', V1, 3, 12, 1000);
    const v2 = await client('cl2', V2, 2, 12, 2000);
    const v3 = await client('cl2', V3, 2, 12, 3000);
    await waitRows('lb1', V1, 3);
    await waitRows('lb1', V2, 2);
    await waitRows('lb2', V3, 2);
    await sleep(1000);

    // Step 1: lb2 holds V1 while traffic still flows through lb1.
    assert.deepEqual(await api('lb2', '/migration/begin', { vip: V1 }), { vip: V1, mode: 'migration' });
    assert.deepEqual(await api('lb2', '/migration/begin', { vip: V1 }), { vip: V1, mode: 'migration' }, 'idempotent');
    const a1 = await status('lb1');
    await sleep(300);
    const [a2, b1] = [await status('lb1'), await status('lb2')];
    assert.equal(vipOf(a2, V1)?.mode, 'normal');
    assert.deepEqual([vipOf(b1, V1)?.mode, vipOf(b1, V1)?.held, vipOf(b1, V1)?.packets], ['migration', 0, 0]);
    assert.ok(vipOf(a2, V1)!.packets > vipOf(a1, V1)!.packets, 'lb1 still forwards V1');

    // Step 2: the addresses move; clients and s1 learn lb2's MACs from the announcements.
    const take = await api<{ garpSent: number }>('lb2', '/address/take', { vip: V1 });
    assert.ok(take.garpSent >= 2);
    await api('lb1', '/address/release', { vip: V1 });
    await waitFor('cl1 to learn V1 at lb2', async () => (await neighbour('cl1', V1)) === MAC.lb2out, 5000);
    await waitFor('s1 to learn its router at lb2', async () => (await neighbour('s1', '198.18.21.101')) === MAC.lb2in, 5000);
    await lab.execOk('cl1', [
      'node',
      '-e',
      `const s = require('dgram').createSocket('udp4'); let i = 0; const t = setInterval(() => { s.send(String(++i), 7001, '${V1}'); if (i === 20) { clearInterval(t); setTimeout(() => s.close(), 50); } }, 5);`,
    ]);
    await waitFor('lb2 to hold V1 packets', async () => vipOf(await status('lb2'), V1)!.held >= 20, 5000);
    // A new connection during the hold (§6 10): its SYN is held like the rest, not refused.
    const heldBefore = vipOf(await status('lb2'), V1)!.held;
    await background(
      'cl1',
      `node -e "const t0 = Date.now(); const s = require('net').connect(7002, '${V1}'); s.on('connect', () => s.write('hello')); s.on('data', (d) => { require('fs').writeFileSync('${synLog}', JSON.stringify({ echo: String(d), ms: Date.now() - t0 })); process.exit(0); }); s.on('error', (e) => { require('fs').writeFileSync('${synLog}', JSON.stringify({ error: e.code })); process.exit(0); }); setTimeout(() => process.exit(0), 20000);"`,
      '/tmp/syn-client.log',
    );
    await waitFor('lb2 to hold the SYN', async () => vipOf(await status('lb2'), V1)!.held > heldBefore, 5000);
    await sleep(300); // were the SYN forwarded or refused, the client would have written its log by now
    assert.equal((await lab.exec('cl1', ['test', '-e', synLog])).exitCode, 1, 'no answer, no refusal while held');
    const b2 = await status('lb2');
    assert.equal(refusals(b2), 0, `lb2 refused nothing while holding: ${JSON.stringify(b2.counters)}`);
    assert.equal(vipOf(b2, V1)!.packets, 0, 'lb2 forwarded nothing for V1');
    assert.equal((await lab.execOk('s1', ['sh', '-c', `cat ${udpLog} 2>/dev/null; true`])).trim(), '', 's1 got none of the held datagrams');

    // Step 3: V1's rows move from lb1 to lb2; V2's rows stay where they are.
    const v2Before = (await rowsOf('lb1', V2)).map(key).sort();
    const started = Date.now();
    const { rows } = await api<{ rows: AccessRow[] }>('lb1', '/rows/export', { vip: V1 });
    assert.deepEqual(await api('lb2', '/rows/import', { vip: V1, rows }), { vip: V1, imported: 3 });
    assert.deepEqual(await api('lb1', '/rows/delete', { vip: V1 }), { vip: V1, deleted: 3 });
    const step3Ms = Date.now() - started;
    assert.deepEqual(await api('lb2', '/rows/import', { vip: V1, rows }), { vip: V1, imported: 0 }, 'a repeated import adds nothing');
    assert.deepEqual(await rowsOf('lb1', V1), []);
    assert.deepEqual((await rowsOf('lb1', V2)).map(key).sort(), v2Before);
    assert.deepEqual((await rowsOf('lb2', V1)).map(key).sort(), rows.map(key).sort());
    assert.equal((await rowsOf('lb2', V3)).length, 2);

    // Step 4: lb2 serves V1 and lets the held packets go in arrival order; lb1 forgets V1.
    const held = vipOf(await status('lb2'), V1)!.held;
    const finish = await api<{ released: number }>('lb2', '/migration/finish', { vip: V1 });
    assert.ok(finish.released >= held, `released ${finish.released} of ${held} held`);
    await api('lb1', '/vip/forget', { vip: V1 });
    const [a3, b3] = [await status('lb1'), await status('lb2')];
    assert.equal(vipOf(a3, V1), undefined);
    assert.deepEqual([vipOf(b3, V1)?.mode, vipOf(b3, V1)?.held], ['normal', 0]);
    await waitFor(
      's1 to receive the held datagrams',
      async () => (await lab.execOk('s1', ['sh', '-c', `cat ${udpLog} 2>/dev/null; true`])).trim().split('\n').length === 20,
      5000,
    );
    assert.deepEqual(
      (await lab.execOk('s1', ['cat', udpLog])).trim().split('\n').map(Number),
      Array.from({ length: 20 }, (_, i) => i + 1),
      'in arrival order',
    );
    await waitFor(
      'the connection opened during the hold to carry data',
      async () => (await lab.exec('cl1', ['test', '-s', synLog])).exitCode === 0,
      5000,
    );
    const syn = JSON.parse(await lab.execOk('cl1', ['cat', synLog])) as { echo?: string; error?: string; ms?: number };
    assert.equal(syn.echo, 'hello', `set up after step 4, not refused: ${JSON.stringify(syn)}`);
    await waitFor('lb2 to forward V1 traffic', async () => vipOf(await status('lb2'), V1)!.packets > 0, 5000);

    // End to end: no reset, nothing lost anywhere; V2 and V3 never paused.
    assertWhole(await v1(), 'V1 (moved)');
    for (const [name, streams] of [
      ['V2', await v2()],
      ['V3', await v3()],
    ] as const) {
      assertWhole(streams, name);
      for (const s of streams) assert.ok(s.maxGapMs < 1000, `${name} stream ${s.stream} undisturbed: gap ${s.maxGapMs} ms`);
    }
    const [a4, b4] = [await status('lb1'), await status('lb2')];
    assert.equal(refusals(a4) + refusals(b4), 0, 'nobody refused anything');
    process.stdout.write(`      step 3 (export+import+delete, 3 rows): ${step3Ms} ms; held ${held}, released ${finish.released}\n`);
  });

  it('variant 3 (§6 13): dropping instead of holding still moves V1 without a reset; TCP waits out a retransmission timeout', async () => {
    await startBalancers('-drop');
    const v1 = await client('cl1', V1, 2, 6, 4000);
    await waitRows('lb1', V1, 2);
    await sleep(800);
    await api('lb2', '/migration/begin', { vip: V1 });
    await api('lb2', '/address/take', { vip: V1 });
    await api('lb1', '/address/release', { vip: V1 });
    await sleep(500);
    const { rows } = await api<{ rows: AccessRow[] }>('lb1', '/rows/export', { vip: V1 });
    await api('lb2', '/rows/import', { vip: V1, rows });
    await api('lb1', '/rows/delete', { vip: V1 });
    assert.deepEqual(await api('lb2', '/migration/finish', { vip: V1 }), { vip: V1, released: 0 }, 'nothing was held');
    await api('lb1', '/vip/forget', { vip: V1 });
    const streams = await v1();
    assertWhole(streams, 'V1 (drop variant)');
    for (const s of streams) assert.ok(s.maxGapMs >= 200, `stream ${s.stream} stalled at least one RTO: ${s.maxGapMs} ms`);
    assert.equal(refusals(await status('lb2')), 0);
  });

  it("full NAT (§6 15): s1 sees the VIP's inside address, and the move carries it", async () => {
    await startBalancers('-fullnat');
    const v1 = await client('cl1', V1, 2, 8, 5000);
    await waitRows('lb1', V1, 2);
    const before = await rowsOf('lb1', V1);
    assert.ok(
      before.every((r) => r.insideIp === '198.18.21.101' && r.clientIp === '198.18.20.1'),
      JSON.stringify(before),
    );
    const peers = await lab.execOk('s1', ['ss', '-Htn', 'state', 'established', '( sport = :7000 )']);
    assert.match(peers, /198\.18\.21\.101:\d+/);
    assert.doesNotMatch(peers, /198\.18\.20\.1:/, 's1 does not see the client');
    await sleep(800);
    await api('lb2', '/migration/begin', { vip: V1 });
    await api('lb2', '/address/take', { vip: V1 });
    await api('lb1', '/address/release', { vip: V1 });
    await waitFor('s1 to learn the inside address at lb2', async () => (await neighbour('s1', '198.18.21.101')) === MAC.lb2in, 5000);
    const { rows } = await api<{ rows: AccessRow[] }>('lb1', '/rows/export', { vip: V1 });
    await api('lb2', '/rows/import', { vip: V1, rows });
    await api('lb1', '/rows/delete', { vip: V1 });
    await api('lb2', '/migration/finish', { vip: V1 });
    await api('lb1', '/vip/forget', { vip: V1 });
    assert.deepEqual((await rowsOf('lb2', V1)).map(key).sort(), before.map(key).sort(), 'same inside address and port on lb2');
    assertWhole(await v1(), 'V1 (full NAT)');
    assert.equal(refusals(await status('lb1')) + refusals(await status('lb2')), 0);
  });
});
