import { strict as assert } from 'node:assert';
import net from 'node:net';
import { FrameDecoder } from '../../../src/probe/frame-decoder.js';
import {
  decodeAck,
  decodeReject,
  encodeHello,
  encodePing,
  FrameType,
  HEADER_BYTES,
  type AckCounters,
  type ControlFrame,
} from '../../../src/probe/frames.js';
import { patternFrames } from '../../../src/probe/pattern-sender.js';
import type { ProbeEvent } from '../../../src/probe/probe-report.js';
import { errorsOf, NO_ERRORS, sleep, startClient, startServer } from './probe-helpers.js';

/** A raw connection to the server that collects the control frames it answers with. */
const rawPeer = async (port: number) => {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const frames: (Omit<ControlFrame, 'payload'> & { counters?: AckCounters; text: string })[] = [];
  const decoder = new FrameDecoder({
    control: (f) =>
      frames.push({ type: f.type, stream: f.stream, offset: f.offset, counters: decodeAck(f.payload), text: decodeReject(f.payload) }),
    data: () => {},
    garbage: () => {},
  });
  socket.on('data', (c: Buffer) => decoder.push(c));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise((r) => socket.once('connect', r));
  const until = async (what: string, done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) await sleep(10);
    assert.ok(done(), `${what}: got ${JSON.stringify(frames)}`);
  };
  return { socket, frames, closed, until };
};

describe('probe server: c2s verification and state hand-over', function () {
  this.timeout(20_000);

  it('verifies c2s bytes and reports loss and corruption in its ACKs and events', async () => {
    const events: ProbeEvent[] = [];
    const server = await startServer(0, events);
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    const acks: { offset: number; counters: AckCounters }[] = [];
    const decoder = new FrameDecoder({
      control: (f) => {
        if (f.type === FrameType.Ack) acks.push({ offset: f.offset, counters: decodeAck(f.payload)! });
      },
      data: () => {},
      garbage: () => {},
    });
    socket.on('data', (c: Buffer) => decoder.push(c));
    try {
      await new Promise((r) => socket.once('connect', r));
      const corrupted = patternFrames(4, 1000, 1000);
      corrupted[HEADER_BYTES + 500] = corrupted[HEADER_BYTES + 500]! ^ 0xff; // offset 1500
      socket.write(
        Buffer.concat([
          encodeHello(4, 0, { direction: 2, rate: 0, fresh: true }),
          patternFrames(4, 0, 1000),
          corrupted,
          patternFrames(4, 3000, 1000), // [2000, 3000) never sent
        ]),
      );
      for (let i = 0; i < 100 && acks.at(-1)?.offset !== 4000; i++) await sleep(10);
      const counters = { lost: 1000, duplicated: 0, corrupt: 1, reordered: 0, firstBadOffset: 1500 };
      assert.deepEqual(acks.at(-1), { offset: 4000, counters });
      assert.deepEqual(server.getState(), [{ stream: 4, direction: 'c2s', offset: 4000 }]);
      assert.deepEqual(
        events.filter((e) => e.event === 'corrupt' || e.event === 'lost').map((e) => [e.event, 'offset' in e ? e.offset : 0]),
        [
          ['corrupt', 1500],
          ['lost', 2000],
        ],
      );
    } finally {
      socket.destroy();
      await server.close();
    }
  });

  it('tells its verdict when the in-order offset stops: an ACK on a counter change, PONGs with counters, a last ACK at FIN', async () => {
    const server = await startServer();
    const peer = await rawPeer(server.port);
    try {
      const damaged = patternFrames(4, 1000, 1000);
      damaged[8] = damaged[8]! ^ 0xff; // the stream id: the header fails its check
      peer.socket.write(Buffer.concat([encodeHello(4, 0, { direction: 2, rate: 0, fresh: true }), patternFrames(4, 0, 1000), damaged]));
      // Nothing follows the damaged frame, so the offset stays at 1000: the counters alone must be news.
      const garbage = damaged.length;
      const after = { lost: 0, duplicated: 0, corrupt: garbage, reordered: 0, firstBadOffset: 1000 };
      // The decoder holds back 3 bytes (a magic may start there) until more comes or the peer ends.
      await peer.until('an ACK carrying the garbage', () =>
        peer.frames.some((f) => f.type === FrameType.Ack && f.counters?.corrupt === garbage - 3),
      );
      assert.equal(peer.frames.filter((f) => f.type === FrameType.Ack).at(-1)!.offset, 1000);
      peer.socket.write(encodePing(4, 1000));
      await peer.until('a PONG', () => peer.frames.some((f) => f.type === FrameType.Pong));
      // The PING that follows completes the garbage: the held-back bytes were not a magic.
      assert.deepEqual(peer.frames.find((f) => f.type === FrameType.Pong)!.counters, after);
      const acks = peer.frames.filter((f) => f.type === FrameType.Ack).length;
      peer.socket.end();
      await peer.closed;
      const last = peer.frames.filter((f) => f.type === FrameType.Ack);
      assert.equal(last.length, acks + 1, 'one more ACK answers the FIN');
      assert.deepEqual(last.at(-1)!.counters, after);
    } finally {
      peer.socket.destroy();
      await server.close();
    }
  });

  for (const [what, first] of [
    ['garbage', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
    ['a DATA frame', patternFrames(4, 0, 100)],
    ['a PING', encodePing(4, 0)],
  ] as const) {
    it(`a connection that starts with ${what} instead of a HELLO gets a REJECT and is closed`, async () => {
      const events: ProbeEvent[] = [];
      const server = await startServer(0, events);
      const peer = await rawPeer(server.port);
      try {
        peer.socket.end(first);
        await peer.closed;
        assert.deepEqual(
          peer.frames.map((f) => f.type),
          [FrameType.Reject],
        );
        assert.match(peer.frames[0]!.text, /before HELLO|no complete HELLO/);
        assert.deepEqual(
          events.map((e) => e.event),
          ['handshake-failed'],
        );
        assert.deepEqual(server.getState(), []);
      } finally {
        peer.socket.destroy();
        await server.close();
      }
    });
  }

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
      assert.ok(
        resumed.every((e) => e.hadState === true),
        'the successor knew the streams',
      );
    } finally {
      await second.close();
    }
  });
});
