import { strict as assert } from 'node:assert';
import net from 'node:net';
import { FrameDecoder } from '../../../src/probe/frame-decoder.js';
import { decodeAck, encodeHello, FrameType, HEADER_BYTES, type AckCounters } from '../../../src/probe/frames.js';
import { patternFrames } from '../../../src/probe/pattern-sender.js';
import type { ProbeEvent } from '../../../src/probe/probe-report.js';
import { errorsOf, NO_ERRORS, sleep, startClient, startServer } from './probe-helpers.js';

describe('probe server: c2s verification and state hand-over', function () {
  this.timeout(20_000);

  it('verifies c2s bytes and reports loss and corruption in its ACKs and events', async () => {
    const events: ProbeEvent[] = [];
    const server = await startServer(0, events);
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    const acks: { offset: number; counters: AckCounters }[] = [];
    const decoder = new FrameDecoder({
      control: (f) => { if (f.type === FrameType.Ack) acks.push({ offset: f.offset, counters: decodeAck(f.payload)! }); },
      data: () => {},
      garbage: () => {},
    });
    socket.on('data', (c: Buffer) => decoder.push(c));
    try {
      await new Promise((r) => socket.once('connect', r));
      const corrupted = patternFrames(4, 1000, 1000);
      corrupted[HEADER_BYTES + 500] = corrupted[HEADER_BYTES + 500]! ^ 0xff; // offset 1500
      socket.write(Buffer.concat([
        encodeHello(4, 0, { direction: 2, rate: 0, fresh: true }),
        patternFrames(4, 0, 1000), corrupted, patternFrames(4, 3000, 1000), // [2000, 3000) never sent
      ]));
      for (let i = 0; i < 100 && acks.at(-1)?.offset !== 4000; i++) await sleep(10);
      assert.deepEqual(acks.at(-1), { offset: 4000, counters: { lost: 1000, duplicated: 0, corrupt: 1, reordered: 0, firstBadOffset: 1500 } });
      assert.deepEqual(server.getState(), [{ stream: 4, direction: 'c2s', offset: 4000 }]);
      assert.deepEqual(events.filter((e) => e.event === 'corrupt' || e.event === 'lost').map((e) => [e.event, 'offset' in e ? e.offset : 0]),
        [['corrupt', 1500], ['lost', 2000]]);
    } finally {
      socket.destroy();
      await server.close();
    }
  });

  it('a successor server given the state (getState → setState) continues c2s streams where the first left off', async () => {
    const first = await startServer();
    const port = first.port;
    const run = startClient({ port, streams: 3, direction: 'c2s', rate: 2_000_000, durationMs: 1500 });
    await sleep(500);
    const state = first.getState();
    await first.close();
    const second = await startServer(port);
    second.setState(state);
    try {
      const { summary, events } = await run.done;
      for (const s of summary) {
        assert.deepEqual(errorsOf(s), NO_ERRORS);
        assert.equal(s.reconnects, 1);
      }
      const resumed = events.filter((e): e is Extract<ProbeEvent, { event: 'established' }> => e.event === 'established' && e.offset > 0);
      assert.equal(resumed.length, 3);
      assert.ok(resumed.every((e) => e.hadState === true), 'the successor knew the streams');
    } finally {
      await second.close();
    }
  });
});
