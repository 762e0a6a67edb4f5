// The probe on real containers: server on one node, client on another across the lab switch,
// run exactly as the orchestrator will run them (node from the image, project bind-mounted).
import { strict as assert } from 'node:assert';
import { Lab, type StartedLab } from '../../src/lab/lab.js';
import type { ProbeSummary } from '../../src/probe/probe-report.js';
import { loadTopology, testContext, waitFor } from '../helpers/lab-fixture.js';

const TOPOLOGY = 'test/fixtures/topologies/probe-lab.clab.yml';
const PROBE = '/opt/failover-lab/dist/src/probe/main.js';
const SERVER = '198.18.4.2';
const PORT = '7000';

describe('probe on real containers (probe-lab)', function () {
  this.timeout(60_000);
  const ctx = testContext();
  let lab: StartedLab | undefined;
  let serverPid = '';

  const client = async (args: string[]): Promise<ProbeSummary> => {
    const result = await lab!.exec('client', ['node', PROBE, 'client', '--connect', `${SERVER}:${PORT}`, '--node', 'client', ...args]);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as ProbeSummary;
  };

  before(async () => {
    const topology = await loadTopology(TOPOLOGY);
    await new Lab(topology, ctx).destroy();
    lab = await new Lab(topology, ctx).deploy();
    const started = await lab.execOk('server', [
      'sh',
      '-c',
      `nohup node ${PROBE} server --listen ${SERVER}:${PORT} --node server --events /tmp/probe-server.jsonl > /tmp/probe-server.log 2>&1 & echo $!`,
    ]);
    serverPid = started.trim();
    assert.match(serverPid, /^\d+$/);
    await waitFor(
      'the probe server to listen',
      async () => (await lab!.exec('server', ['grep', '-q', 'listening', '/tmp/probe-server.log'])).exitCode === 0,
      10_000,
    );
  });

  after(async () => {
    if (lab && serverPid) await lab.exec('server', ['kill', '-TERM', serverPid]).catch(() => undefined);
    await lab?.destroy();
  });

  it('carries 1,000 concurrent streams for 10 s across the switch with zero errors', async () => {
    const rate = 20_000;
    const summary = await client([
      '--streams',
      '1000',
      '--direction',
      's2c',
      '--rate',
      String(rate),
      '--duration-s',
      '10',
      '--events',
      '/tmp/c1000.jsonl',
    ]);
    assert.equal(summary.summary.length, 1000);
    const bad = summary.summary.filter(
      (s) =>
        s.failed || s.bytesLost || s.bytesDuplicated || s.bytesCorrupt || s.resets || s.eofs || s.timeouts || s.connections.length !== 1,
    );
    assert.deepEqual(bad, []);
    const bytes = summary.summary.map((s) => s.bytes);
    assert.ok(Math.min(...bytes) > rate * 10 * 0.8, `slowest stream moved ${Math.min(...bytes)} bytes`);
    assert.ok(Math.max(...bytes) <= rate * 10 * 1.05);
    const maxGap = Math.max(...summary.summary.map((s) => s.maxGapMs));
    assert.ok(maxGap < 1000, `largest gap ${maxGap} ms`);
    assert.ok(summary.summary.every((s) => s.connections[0]!.remoteAddress === SERVER && s.connections[0]!.localAddress === '198.18.4.1'));
  });

  it('one s2c stream for 3 s: the summary tells the whole story', async () => {
    const summary = await client([
      '--streams',
      '1',
      '--first-stream-id',
      '5000',
      '--direction',
      's2c',
      '--rate',
      '1M',
      '--duration-s',
      '3',
      '--summary',
      '/tmp/s2c-summary.json',
    ]);
    assert.equal(summary.source, 'probe-client');
    assert.equal(summary.node, 'client');
    assert.deepEqual(JSON.parse(await lab!.execOk('client', ['cat', '/tmp/s2c-summary.json'])), summary);
    const [s] = summary.summary;
    assert.ok(s);
    assert.equal(s.stream, 5000);
    assert.equal(s.direction, 's2c');
    assert.ok(s.bytes > 2_700_000 && s.bytes <= 3_050_000, `${s.bytes} bytes`);
    assert.deepEqual(
      {
        lost: s.bytesLost,
        dup: s.bytesDuplicated,
        corrupt: s.bytesCorrupt,
        failed: s.failed,
        resets: s.resets,
        eofs: s.eofs,
        timeouts: s.timeouts,
        reconnects: s.reconnects,
        gaps: s.gaps,
      },
      { lost: 0, dup: 0, corrupt: 0, failed: false, resets: 0, eofs: 0, timeouts: 0, reconnects: 0, gaps: [] },
    );
    assert.equal(s.firstBadOffset, undefined);
    assert.equal(s.connections.length, 1);
    assert.deepEqual(
      { ...s.connections[0], localPort: 0 },
      { localAddress: '198.18.4.1', localPort: 0, remoteAddress: SERVER, remotePort: Number(PORT) },
    );
    // The server saw the same connection.
    const serverEvents = (await lab!.execOk('server', ['cat', '/tmp/probe-server.jsonl']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; stream: number; tuple?: { remotePort: number } });
    const mine = serverEvents.filter((e) => e.stream === 5000);
    assert.equal(mine[0]?.event, 'established');
    assert.equal(mine[0]?.tuple?.remotePort, s.connections[0]!.localPort);
  });
});
