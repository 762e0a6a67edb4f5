// The probe catches every corruption on real containers: a corrupting relay
// (test/unit/probe/corrupting-relay.ts, run by node from the image) sits on the client node
// between the probe client and the server across the lab switch, and flips, drops and swaps
// frames at chosen positions. Each damage must show in the client's summary, once, in its class,
// for s2c, c2s and echo; a damaged HELLO fails the stream under --no-reconnect.
import { strict as assert } from 'node:assert';
import { Lab, type StartedLab } from '../../src/lab/lab.js';
import { FrameType, HEADER_BYTES } from '../../src/probe/frames.js';
import type { Direction, ProbeSummary, StreamSummary } from '../../src/probe/probe-report.js';
import type { AppliedAction, RelayAction } from '../unit/probe/corrupting-relay.js';
import { loadTopology, sleep, testContext, waitFor } from '../helpers/lab-fixture.js';

const TOPOLOGY = 'test/fixtures/topologies/probe-lab.clab.yml';
const PROBE = '/opt/failover-lab/dist/src/probe/main.js';
const RELAY = '/opt/failover-lab/dist/test/unit/probe/corrupting-relay.js';
const SERVER = '198.18.4.2';
const PORT = 7000;
const RELAY_PORT = 7300;
const STREAM_BYTE = 8;
const OFFSET_BYTE = 15;

const classes = (s: StreamSummary) => ({
  lost: s.bytesLost,
  duplicated: s.bytesDuplicated,
  corrupt: s.bytesCorrupt,
  reordered: s.bytesReordered,
  handshakeFailures: s.handshakeFailures,
  failed: s.failed,
});

describe('probe catches every corruption on the wire (probe-lab, corrupting relay on the client node)', function () {
  this.timeout(120_000);
  const ctx = testContext();
  let lab: StartedLab | undefined;
  let serverPid = '';
  let runs = 0;

  /** Starts a relay with `actions`, runs the client through it, returns its summary and what the relay damaged. */
  const through = async (actions: RelayAction[], direction: Direction, args: string[]) => {
    const n = ++runs;
    const port = RELAY_PORT + n;
    const log = `/tmp/relay-${n}.log`;
    const pid = (
      await lab!.execOk('client', [
        'sh',
        '-c',
        `nohup node ${RELAY} 127.0.0.1:${port} ${SERVER}:${PORT} '${JSON.stringify(actions)}' > ${log} 2>&1 & echo $!`,
      ])
    ).trim();
    assert.match(pid, /^\d+$/);
    try {
      await waitFor(
        'the relay to listen',
        async () => (await lab!.exec('client', ['grep', '-q', 'listening', log])).exitCode === 0,
        10_000,
      );
      const result = await lab!.exec('client', [
        'node',
        PROBE,
        'client',
        '--connect',
        `127.0.0.1:${port}`,
        '--node',
        'client',
        '--streams',
        '1',
        '--first-stream-id',
        String(100 + n),
        '--direction',
        direction,
        ...args,
      ]);
      assert.equal(result.exitCode, 0, result.stderr);
      const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ProbeSummary;
      await sleep(200); // the relay reports what it applied every 50 ms
      const applied = (await lab!.execOk('client', ['cat', log]))
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as AppliedAction);
      assert.equal(applied.length, actions.length, `relay applied ${JSON.stringify(applied)}`);
      return { s: summary.summary[0]!, applied };
    } finally {
      await lab!.exec('client', ['kill', '-TERM', pid]).catch(() => undefined);
    }
  };

  before(async () => {
    const topology = await loadTopology(TOPOLOGY);
    await new Lab(topology, ctx).destroy();
    lab = await new Lab(topology, ctx).deploy();
    serverPid = (
      await lab.execOk('server', [
        'sh',
        '-c',
        `nohup node ${PROBE} server --listen ${SERVER}:${PORT} --node server --events /tmp/probe-server.jsonl` +
          ' > /tmp/probe-server.log 2>&1 & echo $!',
      ])
    ).trim();
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

  const DATA_LEG = { s2c: 's2c', c2s: 'c2s', echo: 'c2s' } as const;
  for (const direction of ['s2c', 'c2s', 'echo'] as Direction[]) {
    it(`${direction}: a flipped payload byte, a damaged header, a dropped and a swapped frame — each once, in its class`, async () => {
      const leg = DATA_LEG[direction];
      const actions: RelayAction[] = [
        { leg, frame: 3, op: 'flip', at: HEADER_BYTES + 100 },
        { leg, frame: 6, op: 'flip', at: STREAM_BYTE },
        { leg, frame: 9, op: 'drop' },
        { leg, frame: 12, op: 'swap' },
        // Echo: the way back is damaged too (the server returns bytes as they came; the client judges both legs).
        ...(direction === 'echo' ? [{ leg: 's2c', frame: 20, op: 'flip', at: OFFSET_BYTE } as const] : []),
      ];
      const { s, applied } = await through(actions, direction, ['--rate', '2M', '--duration-s', '3']);
      const len = (frame: number, on = leg) => {
        const a = applied.find((x) => x.frame === frame && x.leg === on)!;
        assert.equal(a.type, FrameType.Data, `frame ${frame} on ${on} is DATA`);
        return a.len;
      };
      const headerDamage = len(6) + (direction === 'echo' ? len(20, 's2c') : 0);
      const want = { lost: len(9), duplicated: 0, corrupt: 1 + headerDamage, reordered: len(12), handshakeFailures: 0, failed: false };
      assert.deepEqual(classes(s), want, JSON.stringify({ s, applied }));
      assert.ok(s.bytes > 4_000_000, `${s.bytes} bytes`);
      assert.equal(s.connections.length, 1);
    });

    it(`${direction}: a damaged HELLO under --no-reconnect fails the stream (no silent retry)`, async () => {
      const { s } = await through([{ leg: 'c2s', frame: 0, op: 'flip', at: STREAM_BYTE }], direction, [
        '--rate',
        '1M',
        '--duration-s',
        '1',
        '--no-reconnect',
      ]);
      assert.deepEqual(classes(s), { lost: 0, duplicated: 0, corrupt: 0, reordered: 0, handshakeFailures: 1, failed: true });
      assert.match(s.failReason ?? '', /^handshake: server rejected the HELLO/);
      assert.deepEqual(s.connections, []);
    });
  }
});
