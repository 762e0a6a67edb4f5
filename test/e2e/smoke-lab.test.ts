// The smoke lab on the real engine: wiring, L2 switching, VLAN moves, node stop/start and a
// complete destroy. One deploy for the lab's life; tests run in order against it.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type StartedLab, Lab } from '../../src/lab/lab.js';
import { LABEL } from '../../src/lab/labels.js';
import { derivedMac } from '../../src/lab/mac.js';
import { startTracked } from '../../src/orchestrator/runner/tracked-process.js';
import { cli, hostVeths, leftovers, loadTopology, nothingLeft, repoRoot, sleep, testContext, waitFor } from '../helpers/lab-fixture.js';

interface IpLink {
  ifname: string;
  address: string;
  mtu: number;
  operstate: string;
}

describe('smoke lab (real containers)', function () {
  this.timeout(60_000);
  const ctx = testContext();
  let lab: StartedLab;
  let vethsBefore: string[];

  const link = async (node: string, iface: string): Promise<IpLink> =>
    (JSON.parse(await lab.execOk(node, ['ip', '-j', 'link', 'show', iface])) as IpLink[])[0]!;
  const ping = async (node: string, address: string, count = 1) =>
    (await lab.exec(node, ['ping', '-c', String(count), '-W', '1', '-i', '0.2', address])).exitCode === 0;
  /** A link that is back answers within 5 s (the first reply ends the wait): a node's start returns before its links are re-plumbed everywhere on a loaded host. */
  const linkBack = async (node: string, address: string) =>
    (await lab.exec(node, ['ping', '-c', '1', '-w', '5', '-i', '0.2', address])).exitCode === 0;

  before(async () => {
    await new Lab(await loadTopology('topologies/smoke.clab.yml'), ctx).destroy();
    vethsBefore = await hostVeths();
    await mkdir(path.join(repoRoot, '.bench'), { recursive: true });
    lab = await new Lab(await loadTopology('topologies/smoke.clab.yml'), ctx).deploy();
  });

  after(async () => {
    await lab?.destroy();
  });

  it('creates containers named and labelled as containerlab does', async () => {
    const containers = await ctx.runtime.listContainers({ [LABEL.lab]: 'smoke' });
    assert.deepEqual(containers.map((c) => c.name).sort(), ['clab-smoke-h1', 'clab-smoke-h2', 'clab-smoke-h3', 'clab-smoke-sw1']);
    for (const c of containers) {
      assert.equal(c.status, 'running');
      assert.equal(c.labels[LABEL.nodeName], c.name.replace('clab-smoke-', ''));
      assert.equal(c.labels[LABEL.nodeKind], 'linux');
      assert.equal(c.labels[LABEL.topoFile], path.join(repoRoot, 'topologies/smoke.clab.yml'));
    }
    const h1 = containers.find((c) => c.name === 'clab-smoke-h1')!;
    assert.equal(h1.ipv4['fl-smoke'], '198.19.1.11');
  });

  it('hosts ping each other across the switch', async () => {
    for (const [from, to] of [
      ['h1', '198.18.1.2'],
      ['h1', '198.18.1.3'],
      ['h2', '198.18.1.3'],
      ['h3', '198.18.1.1'],
    ] as const) {
      assert.ok(await ping(from, to), `${from} → ${to} over sw1`);
    }
  });

  it('hosts ping each other over the direct link', async () => {
    assert.ok(await ping('h1', '198.18.2.2'));
    assert.ok(await ping('h2', '198.18.2.1'));
  });

  it('sets MACs and MTUs as written, derives the rest deterministically', async () => {
    const h1eth2 = await link('h1', 'eth2');
    assert.equal(h1eth2.address, '02:00:5e:00:02:01');
    assert.equal(h1eth2.mtu, 1400);
    assert.equal((await link('h2', 'eth2')).address, '02:00:5e:00:02:02');
    assert.equal((await link('h3', 'eth1')).mtu, 1500);
    assert.equal((await link('sw1', 'eth3')).mtu, 1500);
    const h1eth1 = await link('h1', 'eth1');
    assert.equal(h1eth1.mtu, 9500, 'containerlab default MTU');
    assert.equal(h1eth1.address, derivedMac('smoke', 'h1', 'eth1'));
  });

  it('turns TX checksum offload off on every lab interface', async () => {
    const out = await lab.execOk('h1', ['ethtool', '-k', 'eth2']);
    assert.match(out, /^tx-checksumming: off/m);
  });

  it("a switch forwards frames past its node's netfilter: no conntrack entry in sw1 for h1's ping of h2", async () => {
    for (const name of ['iptables', 'ip6tables', 'arptables'])
      assert.equal((await lab.execOk('sw1', ['cat', `/proc/sys/net/bridge/bridge-nf-call-${name}`])).trim(), '0', name);
    await lab.execOk('sw1', ['sh', '-c', 'conntrack -F 2>/dev/null || true']);
    assert.ok(await ping('h1', '198.18.1.2', 3));
    const entries = await lab.execOk('sw1', ['sh', '-c', 'conntrack -L 2>/dev/null || true']);
    assert.doesNotMatch(entries, /198\.18\.1\.2/);
    // The same ping through h1's own stack does go through h1's conntrack: the check can see an entry.
    assert.match(await lab.execOk('h1', ['sh', '-c', 'conntrack -L 2>/dev/null || true']), /198\.18\.1\.2/);
  });

  it('gives every node a TCP table of its own (a /proc/net/tcp read walks only its buckets)', async () => {
    const host = Number((await readFile('/proc/sys/net/ipv4/tcp_child_ehash_entries', 'utf8')).trim());
    assert.ok(host > 0, 'the deploy set net.ipv4.tcp_child_ehash_entries');
    assert.equal(Number((await lab.execOk('h1', ['sysctl', '-n', 'net.ipv4.tcp_ehash_entries'])).trim()), host);
  });

  it("stops a process given as shell text by signalling the command, not only its shell (the runner's daemons)", async () => {
    const heard: unknown[] = [];
    const program = `process.on('SIGTERM', () => process.stdout.write(JSON.stringify({ got: 'SIGTERM' }) + '\\n', () => process.exit(0))); console.log(JSON.stringify({ ready: true })); setInterval(() => {}, 1000);`;
    const p = await startTracked(lab, 'h1', ['sh', '-c', `node -e "${program}" tracked-stop-test`], {
      json: (v) => heard.push(v),
      text: () => undefined,
    });
    await waitFor('the node process to handle SIGTERM', () => Promise.resolve(heard.length > 0));
    await p.stop();
    assert.deepEqual(heard, [{ ready: true }, { got: 'SIGTERM' }], 'the node process handled SIGTERM');
    assert.equal((await lab.exec('h1', ['pgrep', '-f', 'tracked-stop-test'])).exitCode, 1, 'nothing of it is left running');
  });

  it('keeps the output of exec commands in the lab folder', async () => {
    assert.ok(lab.execOutputs.some((o) => o.node === 'sw1' && /switch configured/.test(o.stdout)));
    const log = path.join(repoRoot, 'topologies/clab-smoke/h1/exec.log');
    assert.ok((await stat(log)).size > 0);
  });

  it('moves a switch port to another VLAN at run time, and back', async () => {
    const moved = await cli(['vlan', '-t', 'topologies/smoke.clab.yml', 'sw1', 'eth3', '20']);
    assert.equal(moved.exitCode, 0, moved.stderr);
    assert.equal(await ping('h1', '198.18.1.3'), false, 'h3 is in VLAN 20 now, h1 in VLAN 10');
    const show = JSON.parse(await lab.execOk('sw1', ['/opt/failover-lab/bin/lab-switch', 'show'])) as { ports: Record<string, number> };
    assert.deepEqual(show.ports, { eth1: 10, eth2: 10, eth3: 20 });
    const back = await cli(['vlan', '-t', 'topologies/smoke.clab.yml', 'sw1', 'eth3', '10']);
    assert.equal(back.exitCode, 0, back.stderr);
    assert.ok(await linkBack('h1', '198.18.1.3'));
  });

  it("CLI: inspect --format json lists the lab's nodes", async () => {
    const result = await cli(['inspect', '-t', 'topologies/smoke.clab.yml', '--format', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { node: string; state: string; ipv4: string }[];
    assert.deepEqual(
      rows.map((r) => r.node),
      ['h1', 'h2', 'h3', 'sw1'],
    );
    assert.ok(rows.every((r) => r.state === 'running'));
    assert.equal(rows[0]!.ipv4, '198.19.1.11');
  });

  it('CLI: exec runs a command in a node and passes on its exit code', async () => {
    const ok = await cli(['exec', 'h3', '--', 'ip', '-br', 'addr', 'show', 'eth1']);
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.match(ok.stdout, /198\.18\.1\.3\/24/);
    const failed = await cli(['exec', '-t', 'topologies/smoke.clab.yml', 'h3', '--', 'sh', '-c', 'exit 7']);
    assert.equal(failed.exitCode, 7);
    const unknown = await cli(['exec', '-t', 'topologies/smoke.clab.yml', 'nope', '--', 'true']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /has no node 'nope'/);
  });

  it('CLI: capture writes a pcap of what crosses an interface', async () => {
    const file = path.join(repoRoot, '.bench', 'smoke-h2-eth2.pcap');
    await rm(file, { force: true });
    const capturing = cli(['capture', 'h2', 'eth2', '-w', file, '--count', '4', '--filter', 'icmp']);
    await waitFor('tcpdump to run in h2', async () => (await lab.exec('h2', ['pgrep', '-x', 'tcpdump'])).exitCode === 0);
    await sleep(200);
    await lab.exec('h1', ['ping', '-c', '4', '-i', '0.2', '198.18.2.2']);
    const result = await capturing;
    assert.equal(result.exitCode, 0, result.stderr);
    const pcap = await readFile(file);
    assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4, 'pcap magic');
    let records = 0;
    for (let at = 24; at + 16 <= pcap.length; at += 16 + pcap.readUInt32LE(at + 8)) records++;
    assert.equal(records, 4);
  });

  it("keeps a node's links across stop and start", async () => {
    const macBefore = (await link('h2', 'eth2')).address;
    await lab.stopNode('h2');
    assert.equal((await ctx.runtime.inspectContainer('clab-smoke-h2'))?.status, 'stopped');
    assert.equal(await ping('h1', '198.18.2.2'), false);
    await lab.startNode('h2');
    assert.ok(await linkBack('h1', '198.18.2.2'), 'direct link back');
    assert.ok(await linkBack('h1', '198.18.1.2'), 'switch link back');
    const after = await link('h2', 'eth2');
    assert.equal(after.address, macBefore);
    assert.equal(after.mtu, 1400);
  });

  it("keeps a node's links across a crash (links cut, then SIGKILL) and start", async () => {
    const crashed = await cli(['stop', '-t', 'topologies/smoke.clab.yml', 'h3', '--mode', 'crash']);
    assert.equal(crashed.exitCode, 0, crashed.stderr);
    assert.equal(await ping('h1', '198.18.1.3'), false);
    const started = await cli(['start', '-t', 'topologies/smoke.clab.yml', 'h3']);
    assert.equal(started.exitCode, 0, started.stderr);
    assert.ok(await linkBack('h1', '198.18.1.3'));
  });

  it('keeps links across kill and start, and destroy removes the links of a node left stopped', async () => {
    await lab.stopNode('h1', 'kill');
    assert.equal((await ctx.runtime.inspectContainer('clab-smoke-h1'))?.status, 'stopped');
    await lab.startNode('h1');
    assert.ok(await linkBack('h1', '198.18.2.2'));
    await lab.stopNode('h1', 'graceful');
    assert.deepEqual((await leftovers(ctx, 'smoke', 'fl-smoke')).namespaces, ['flpark.smoke.h1']);
  });

  it('destroy leaves no container, no host veth, no network, no lab folder — and is idempotent', async () => {
    await lab.destroy();
    assert.deepEqual(await leftovers(ctx, 'smoke', 'fl-smoke'), nothingLeft);
    assert.deepEqual(await hostVeths(), vethsBefore);
    assert.equal(existsSync(path.join(repoRoot, 'topologies/clab-smoke')), false);
    await lab.destroy();
    const again = await cli(['destroy', '-t', 'topologies/smoke.clab.yml']);
    assert.equal(again.exitCode, 0, again.stderr);
  });

  after(async () => {
    await rm(path.join(repoRoot, 'topologies/clab-smoke'), { recursive: true, force: true });
  });
});
