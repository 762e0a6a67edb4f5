// The nemeses on real containers, judged from the merged history: a crash warns nobody, a
// kill does; pause, loss and a UDP-only partition leave TCP streams whole; daemon JSON lines
// land in the history; and faults still in effect at the end are undone at teardown.
import { strict as assert } from 'node:assert';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/common/logger.js';
import { silentProgress } from '../../src/common/progress.js';
import type { FaultEntry, HistoryEntry, RunHistory } from '../../src/orchestrator/history/history-types.js';
import { readHistory } from '../../src/orchestrator/history/history-store.js';
import { runScenario, type RunResult } from '../../src/orchestrator/runner/run-scenario.js';
import { parseScenarioText } from '../../src/orchestrator/scenario/parse-scenario.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { repoRoot } from '../helpers/repo-root.js';

const file = path.join(repoRoot, 'test/fixtures/scenarios/nemesis.yml');
const workload = (seconds: number, extra = '') => `topology: ../../../topologies/client-server.clab.yml
workloads:
  - server: { node: srv, listen: "198.18.5.2:7000" }
    client: { node: cli, connect: "198.18.5.2:7000" }
    streams: 2
    direction: s2c
    rate: 500KB/s
    duration: ${seconds}s
    stall: 10s
${extra}${extra.includes('checks:') ? '' : 'checks:\n  streamsEstablished: 2\n'}`;

const ctx = () => ({ runtime: new DockerRuntime({ logger: silentLogger }), logger: silentLogger, progress: silentProgress() });
const run = async (text: string, options: { keep?: boolean } = {}): Promise<{ result: RunResult; history: RunHistory }> => {
  const result = await runScenario(await parseScenarioText(text, file), { ctx: ctx(), outBase: path.join(os.tmpdir(), 'fl-nemeses'), ...options });
  return { result, history: await readHistory(path.join(result.dir, result.report.repeats[0]!.history)) };
};
const faultStart = (h: RunHistory, id: string) => h.entries.find((e): e is FaultEntry => e.kind === 'fault' && e.id === id && e.phase === 'start')!;
/** Established connections that ended (EOF or reset), not refused reconnect attempts. */
const clientBreaks = (h: RunHistory, fromMs: number, toMs: number): HistoryEntry[] =>
  h.entries.filter((e) => e.kind === 'probe' && e.event.source === 'probe-client' && e.t >= fromMs && e.t <= toMs &&
    (e.event.event === 'eof' || (e.event.event === 'reset' && e.event.duringConnect !== true)));

describe('nemeses (real containers)', function () {
  this.timeout(120_000);

  it('a crash cuts the links before the kill: the client is not warned', async () => {
    const { history } = await run(workload(3.5, 'schedule:\n  - { at: 1s, fault: crash, node: srv, restartAfter: 1500ms }\n'));
    const crash = faultStart(history, 'crash-1');
    assert.ok(crash, 'crash recorded');
    assert.deepEqual(clientBreaks(history, crash.t - 200, crash.t + 1500), []);
  });

  it('a kill lets the kernel close the sockets: the client sees FIN/RST at once', async () => {
    const { history } = await run(workload(3.5, 'schedule:\n  - { at: 1s, fault: kill, node: srv, restartAfter: 1500ms }\n'));
    const kill = faultStart(history, 'kill-1');
    assert.equal(clientBreaks(history, kill.t - 500, kill.t + 500).length, 2, 'both streams broken within 0.5 s');
  });

  it('pause, random loss and a UDP-only partition leave TCP streams whole; daemons feed the history; leftovers are healed at teardown', async () => {
    const daemon = `while :; do echo "{\\"t\\":$(date +%s%3N),\\"event\\":\\"tick\\",\\"n\\":1}"; sleep 0.5; done`;
    const { result, history } = await run(workload(7, `daemons:
  - { node: srv, name: ticker, command: ${JSON.stringify(daemon)} }
schedule:
  - { at: 1s, fault: pause, node: srv, duration: 800ms }
  - { at: 2500ms, fault: loss, node: srv, iface: eth1, percent: 20, duration: 1500ms }
  - { at: 4500ms, fault: partition, from: [cli], to: [srv], protocol: udp, duration: 1s }
  - { at: 500ms, fault: partition, from: [cli], to: [srv], protocol: tcp, port: 9999 }
  - { at: 500ms, fault: command, node: srv, run: "touch /tmp/nemesis-mark", undo: "rm /tmp/nemesis-mark" }
checks:
  resets: 0
  reconnects: 0
  bytesLost: 0
  bytesDuplicated: 0
  bytesCorrupt: 0
  maxGapMs: 2500
`), { keep: true });
    const repeat = result.report.repeats[0]!;
    try {
      assert.equal(repeat.error, undefined);
      assert.ok(repeat.passed, JSON.stringify(repeat.checks.filter((c) => c.valid !== true)));
      const pausedGap = Math.max(...repeat.streams.map((s) => s.gaps.find((g) => g.startMs - repeat.startMs < 3000)?.endMs ?? 0));
      assert.ok(pausedGap > 0, 'the pause shows as a gap');
      const ticks = history.entries.filter((e) => e.kind === 'daemon' && e.daemon === 'ticker' && e.event === 'tick');
      assert.ok(ticks.length >= 8, `daemon ticks in the history: ${ticks.length}`);
      const ends = history.entries.filter((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'end');
      assert.deepEqual(ends.map((e) => e.id).sort(), ['command-5', 'loss-2', 'partition-3', 'partition-4', 'pause-1']);
      assert.match(ends.find((e) => e.id === 'partition-4')!.detail!, /healed at teardown/);
      // --keep left the lab up: the permanent faults are gone from it.
      const lab = ctx().runtime;
      const tables = await lab.exec('clab-client-server-srv', ['nft', 'list', 'tables']);
      assert.doesNotMatch(tables.stdout, /fl_nemesis/);
      assert.equal((await lab.exec('clab-client-server-srv', ['test', '-e', '/tmp/nemesis-mark'])).exitCode, 1);
    } finally {
      const { Lab } = await import('../../src/lab/lab.js');
      const { parseTopologyFile } = await import('../../src/topology/parse-topology.js');
      await new Lab(await parseTopologyFile(path.join(repoRoot, 'topologies/client-server.clab.yml')), ctx()).destroy();
    }
  });
});
