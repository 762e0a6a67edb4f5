import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { engineAnswered, hostReport, readHostFiles, cpuCount, type HostReport } from '../../../src/lab/host-check/host-check.js';
import { FEATURES, featureLines, featureScript, parseFeatureOutput } from '../../../src/lab/host-check/host-features.js';
import { hostTable } from '../../../src/lab/host-check/host-lines.js';
import { hostLine } from '../../../src/orchestrator/report/console-summary.js';
import { repoRoot } from '../../helpers/repo-root.js';

const root = (name: string) => path.join(repoRoot, 'test/fixtures/host', name);
const features = (name: string) => parseFeatureOutput(readFileSync(path.join(root(name), 'features.txt'), 'utf8'));
const engine = { version: '20.10.24+dfsg1', apiVersion: '1.41', minApiVersion: '1.12' };
const now = new Date('2026-12-05T08:00:00Z');

const report = (name: string, o: Partial<Parameters<typeof hostReport>[0]> = {}): HostReport =>
  hostReport({ host: readHostFiles(root(name)), engine, isRoot: true, features: features(name), now, ...o });
const line = (r: HostReport, item: string) => {
  const l = r.lines.find((x) => x.item === item);
  assert.ok(l, `no line ${item}`);
  return l;
};

describe('failover-lab doctor: the host check', () => {
  it('this machine (cgroup v1): realtime under the engine group budget; the kernel features it lacks, each with what degrades', () => {
    const r = report('cgroup-v1-bookworm');
    assert.equal(r.cgroup, 'v1');
    assert.equal(r.kernel, '6.18.44-fc-v1252');
    assert.deepEqual(r.scheduling, { policy: 'realtime', budget: 'group', reason: 'cgroup v1 realtime budget 950000 µs per period' });
    assert.equal(line(r, 'cgroups').value, 'v1 (cpu controller at /sys/fs/cgroup/cpu)');
    assert.match(line(r, 'realtime scheduling').value, /engine group's 950000 µs per 1000000 µs \(cgroup v1\)/);
    assert.equal(line(r, 'capabilities').status, 'missing');
    assert.match(line(r, 'capabilities').degrades ?? '', /CAP_SYS_RESOURCE/);
    assert.deepEqual([line(r, 'clock source').status, line(r, 'CPUs').value], ['ok', '2']);
    const missing = r.lines.filter((l) => l.status === 'missing').map((l) => l.item);
    assert.deepEqual(missing, ['capabilities', '802.1Q VLAN interfaces', 'bridge VLAN filtering', 'netem', 'IPVS', 'ipvlan']);
    for (const item of ['macvlan', 'nftables arp', 'nftables inet', 'conntrack (ctnetlink)', 'NFQUEUE', 'TCP_REPAIR'])
      assert.equal(line(r, item).status, 'ok', item);
    assert.match(line(r, 'bridge VLAN filtering').degrades ?? '', /one plain bridge per VLAN/);
    assert.ok(engineAnswered(r));
  });

  it('a GitHub ubuntu-24.04 runner (cgroup v2, no RT group scheduling): SCHED_RR under the global budget; every feature there', () => {
    const r = report('cgroup-v2-ubuntu-2404', { engine: { version: '28.0.4', apiVersion: '1.48' } });
    assert.equal(r.cgroup, 'v2');
    assert.deepEqual(r.scheduling, {
      policy: 'realtime',
      budget: 'global',
      reason: 'no RT group scheduling: the global budget (950000 µs per period)',
    });
    assert.equal(line(r, 'cgroups').value, 'v2 (controllers: cpuset cpu io memory hugetlb pids rdma misc)');
    assert.equal(
      line(r, 'realtime scheduling').value,
      'SCHED_RR under the global budget (950000 µs per 1000000 µs), no RT group scheduling',
    );
    assert.deepEqual(
      r.lines.filter((l) => l.status !== 'ok'),
      [],
    );
    // IPVS's module is not loaded until used: the config says it is there.
    assert.equal(line(r, 'IPVS').value, 'kernel config: module; probe: absent');
    assert.equal(line(r, 'clock source').value, 'hyperv_clocksource_tsc_page (available: hyperv_clocksource_tsc_page acpi_pm)');
    assert.equal(r.cpus, 4);
  });

  it('no engine: the engine line says why, and doctor fails', () => {
    const r = report('cgroup-v2-ubuntu-2404', {
      engine: { problem: 'docker: engine does not answer (is dockerd running? try `make engine`): connect ENOENT /var/run/docker.sock' },
      features: { problem: 'no engine to run it' },
    });
    assert.equal(engineAnswered(r), false);
    assert.deepEqual(r.lines[0], {
      item: 'Docker engine',
      status: 'missing',
      value: 'docker: engine does not answer (is dockerd running? try `make engine`): connect ENOENT /var/run/docker.sock',
      degrades: 'nothing can be deployed: every lab, scenario and e2e test needs it',
    });
    assert.equal(r.engine, undefined);
    // Without the probe the kernel config judges each feature.
    assert.equal(line(r, 'feature probe').status, 'missing');
    assert.equal(line(r, 'netem').value, 'kernel config: module');
    assert.equal(engineAnswered(report('cgroup-v1-bookworm', { engine: { version: '19.03.15', apiVersion: '1.40' } })), false);
  });

  it('the v1 host without an engine group budget, a non-root user, a slow clock, one CPU', () => {
    const host = readHostFiles(root('cgroup-v1-bookworm'));
    host.files.facts.groupRuntimeUs = 0;
    host.clock = { current: 'acpi_pm', available: 'acpi_pm' };
    host.cpus = 1;
    const r = hostReport({ host, engine, isRoot: false, features: features('cgroup-v1-bookworm'), now });
    assert.equal(r.scheduling.policy, 'nice');
    assert.match(line(r, 'realtime scheduling').value, /make engine/);
    for (const item of ['root', 'clock source', 'CPUs', 'TCP table per node']) assert.equal(line(r, item).status, 'missing', item);
    assert.match(line(r, 'TCP table per node').degrades ?? '', /walks the host's whole TCP table/);
  });

  it("each node's own TCP table: set by a deploy as root, kept when the host chose one, missing before Linux 6.1", () => {
    assert.equal(line(report('cgroup-v1-bookworm'), 'TCP table per node').value, 'shared with the host now; a deploy sets 4096 buckets');
    const host = readHostFiles(root('cgroup-v1-bookworm'));
    host.tcpChildEhash = '4096\n';
    const set = hostReport({ host, engine, isRoot: false, features: features('cgroup-v1-bookworm'), now });
    assert.deepEqual(line(set, 'TCP table per node'), {
      item: 'TCP table per node',
      status: 'ok',
      value: '4096 buckets (net.ipv4.tcp_child_ehash_entries)',
    });
    delete host.tcpChildEhash;
    const old = hostReport({ host, engine, isRoot: true, features: features('cgroup-v1-bookworm'), now });
    assert.equal(line(old, 'TCP table per node').status, 'missing');
  });

  it('the table: one line each, `→ what degrades` after a line that is not ok', () => {
    const table = hostTable(report('cgroup-v1-bookworm').lines).split('\n');
    assert.equal(table.length, report('cgroup-v1-bookworm').lines.length);
    assert.match(table.find((l) => l.startsWith('netem')) ?? '', /^netem +missing +.+ → no delay or jitter faults/);
    assert.match(table[0] ?? '', /^Docker engine +ok +20\.10\.24\+dfsg1 \(API 1\.41, oldest client API 1\.12\)$/);
  });

  it("a run's console summary names the host in one line", () => {
    assert.equal(
      hostLine(report('cgroup-v1-bookworm')),
      'host: Docker 20.10.24+dfsg1, cgroup v1, SCHED_RR (group budget), 2 CPUs; missing: capabilities, 802.1Q VLAN interfaces, bridge VLAN filtering, netem, IPVS, ipvlan',
    );
    assert.equal(
      hostLine(report('cgroup-v2-ubuntu-2404', { engine: { version: '28.0.4', apiVersion: '1.48' } })),
      'host: Docker 28.0.4, cgroup v2, SCHED_RR (global budget), 4 CPUs; nothing missing',
    );
  });

  it('the probe script names every feature, and its output parses back', () => {
    const script = featureScript();
    for (const f of FEATURES) assert.ok(script.includes(`r '${f.name}'`), f.name);
    const parsed = parseFeatureOutput('netem\tok\nIPVS\tmissing\tNo such file\nnoise line\n');
    assert.deepEqual(
      [...parsed],
      [
        ['netem', { ok: true }],
        ['IPVS', { ok: false, detail: 'No such file' }],
      ],
    );
    assert.equal(featureLines(undefined, undefined)[0]?.status, 'unknown');
    assert.deepEqual([cpuCount('0-3,6\n'), cpuCount('0'), cpuCount('')], [5, 1, undefined]);
  });
});
