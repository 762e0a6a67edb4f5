import { strict as assert } from 'node:assert';
import net from 'node:net';
import { FrameDecoder } from '../../../src/probe/frame-decoder.js';
import { encodeWelcome, FrameType } from '../../../src/probe/frames.js';
import { patternFrames } from '../../../src/probe/pattern-sender.js';
import type { Direction, ProbeEvent } from '../../../src/probe/probe-report.js';
import type { ProbeServer } from '../../../src/probe/server.js';
import { errorsOf, NO_ERRORS, sleep, startClient, startServer } from './probe-helpers.js';

const named = <E extends ProbeEvent['event']>(events: ProbeEvent[], name: E) =>
  events.filter((e): e is Extract<ProbeEvent, { event: E }> => e.event === name);

describe('probe resume, --no-reconnect and stall detection', function () {
  this.timeout(20_000);
  const servers: ProbeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const serve = async (port = 0) => {
    const s = await startServer(port);
    servers.push(s);
    return s;
  };

  for (const direction of ['s2c', 'c2s', 'echo'] as Direction[]) {
    it(`${direction}: connections destroyed by the server mid-stream → reconnect, resume, zero lost or duplicated`, async () => {
      const server = await serve();
      const run = startClient({ port: server.port, streams: 3, direction, rate: 0, durationMs: 1200 });
      await sleep(300);
      assert.equal(server.dropConnections(), 3);
      await sleep(300);
      server.dropConnections();
      const { summary, events } = await run.done;
      for (const s of summary) {
        assert.deepEqual(errorsOf(s), NO_ERRORS, JSON.stringify(s));
        assert.equal(s.connections.length, 3);
        assert.equal(s.reconnects, 2);
        assert.equal(s.resets + s.eofs, 2);
        assert.ok(s.bytes > 1_000_000);
      }
      // Each reconnect resumed where the stream stood.
      const resumed = named(events, 'established').filter((e) => e.offset > 0);
      assert.equal(resumed.length, 6);
    });

    it(`${direction}: server replaced by a fresh one (no state) → resume at the client's offset, zero lost`, async () => {
      const first = await serve();
      const port = first.port;
      const run = startClient({ port, streams: 2, direction, rate: 500_000, durationMs: 1500, stallMs: 300 });
      await sleep(400);
      await first.close();
      await sleep(200);
      const second = await serve(port);
      const { summary, events } = await run.done;
      for (const s of summary) {
        assert.deepEqual(errorsOf(s), NO_ERRORS, JSON.stringify(s));
        assert.ok(s.reconnects >= 1);
        // One gap spans the outage and the reconnect.
        assert.equal(s.gaps.length, 1, JSON.stringify(s.gaps));
        assert.ok(s.maxGapMs >= 200 && s.maxGapMs < 1000, `gap ${s.maxGapMs} ms`);
      }
      assert.ok(named(events, 'established').some((e) => e.offset > 0 && e.hadState === false));
      assert.ok(second.getState().length === 2);
    });
  }

  it('--no-reconnect: the first reset marks the stream failed and it stops', async () => {
    const server = await serve();
    const run = startClient({ port: server.port, streams: 2, direction: 's2c', rate: 100_000, durationMs: 800, reconnect: false });
    await sleep(300);
    server.dropConnections();
    const { summary, events } = await run.done;
    for (const s of summary) {
      assert.equal(s.failed, true);
      assert.match(s.failReason ?? '', /^(eof|reset: )/);
      assert.equal(s.connections.length, 1);
      assert.ok(s.bytes > 0);
    }
    assert.equal(named(events, 'failed').length, 2);
    assert.equal(named(events, 'connecting').length, 2, 'no reconnect attempt');
  });

  it('detects a stall: a server that stops sending and ignores PING is dropped after stall + ping timeout', async () => {
    // A mute server: welcomes, sends 10 KB, then never says anything again.
    const lastSent: number[] = [];
    const pings: number[] = [];
    const mute = net.createServer((socket) => {
      const decoder = new FrameDecoder({
        control: (f) => {
          if (f.type === FrameType.Hello) {
            socket.write(Buffer.concat([encodeWelcome(f.stream, f.offset, false), patternFrames(f.stream, f.offset, 10_000)]));
            lastSent.push(Date.now());
          } else if (f.type === FrameType.Ping) pings.push(Date.now());
        },
        data: () => {},
        garbage: () => {},
      });
      socket.on('data', (c: Buffer) => decoder.push(c));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    try {
      const port = (mute.address() as net.AddressInfo).port;
      const { summary, events } = await startClient({
        port,
        streams: 1,
        direction: 's2c',
        rate: 0,
        durationMs: 1400,
        stallMs: 300,
        pingTimeoutMs: 200,
      }).done;
      const stall = named(events, 'stall')[0];
      const timeout = named(events, 'timeout').find((e) => e.kind === 'stall');
      assert.ok(stall && timeout, JSON.stringify(events));
      const t0 = lastSent[0]!;
      assert.ok(pings.length >= 1);
      assert.ok(stall.t - t0 >= 300 && stall.t - t0 < 450, `stall after ${stall.t - t0} ms`);
      assert.ok(timeout.t - t0 >= 500 && timeout.t - t0 < 750, `timeout after ${timeout.t - t0} ms`);
      const s = summary[0]!;
      assert.equal(s.timeouts >= 1, true);
      assert.ok(s.reconnects >= 1, 'reconnected after the stall');
      // Each connection resumed where the last one stalled and got its 10 KB.
      assert.equal(s.bytes, 10_000 * s.connections.length);
      assert.deepEqual(errorsOf(s), NO_ERRORS);
      // One gap per stall, each spanning its reconnect (the last one open until the end).
      assert.equal(s.gaps.length, s.connections.length);
    } finally {
      await new Promise((r) => mute.close(r));
    }
  });
});
