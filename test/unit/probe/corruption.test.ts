// The probe catches every corruption between client and server, in process: a relay
// (corrupting-relay.ts) flips, drops and swaps frames on one leg, and the client's summary must
// show each damage once, in its class, in every direction.
import { strict as assert } from 'node:assert';
import { ProbeEventSchema, StreamSummarySchema } from '../../../src/orchestrator/history/probe-event-schema.js';
import { FrameType, HEADER_BYTES } from '../../../src/probe/frames.js';
import type { Direction, ProbeEvent, StreamSummary } from '../../../src/probe/probe-report.js';
import type { ProbeServer } from '../../../src/probe/server.js';
import { CorruptingRelay, type AppliedAction, type Leg, type RelayAction } from './corrupting-relay.js';
import { startClient, startServer, type ClientRun } from './probe-helpers.js';

const classes = (s: StreamSummary) => ({
  lost: s.bytesLost,
  duplicated: s.bytesDuplicated,
  corrupt: s.bytesCorrupt,
  reordered: s.bytesReordered ?? -1,
  handshakeFailures: s.handshakeFailures ?? -1,
  failed: s.failed,
});
const CLEAN = { lost: 0, duplicated: 0, corrupt: 0, reordered: 0, handshakeFailures: 0, failed: false };

/** The leg that carries a direction's DATA towards its verifier's first stop. */
const DATA_LEG: Record<Direction, Leg> = { s2c: 's2c', c2s: 'c2s', echo: 'c2s' };
/** Byte positions in a frame header. */
const STREAM_BYTE = 8;
const OFFSET_BYTE = 15;
const LEN_BYTE = 19;

describe('probe: every corruption on the wire is counted once, in its class', function () {
  this.timeout(20_000);
  let server: ProbeServer;
  const relays: CorruptingRelay[] = [];
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
    await server.close();
  });

  const through = async (actions: RelayAction[], run: Partial<ClientRun> & { direction: Direction }) => {
    const relay = new CorruptingRelay({ host: '127.0.0.1', port: server.port }, actions);
    relays.push(relay);
    const port = await relay.listen();
    const { summary, events } = await startClient({ port, streams: 1, rate: 2_000_000, durationMs: 700, ...run }).done;
    assert.equal(relay.applied.length, actions.length, `applied: ${JSON.stringify(relay.applied)}`);
    // What the orchestrator reads must pass its contract, new events and counts included.
    for (const e of events) assert.ok(ProbeEventSchema.safeParse(e).success, `event refused: ${JSON.stringify(e)}`);
    assert.deepEqual(StreamSummarySchema.parse(summary[0]), summary[0]);
    return { s: summary[0]!, events, applied: relay.applied };
  };
  const dataFrame = (a: AppliedAction): number => {
    assert.equal(a.type, FrameType.Data, `frame ${a.frame} on ${a.leg} is a DATA frame`);
    return a.len;
  };

  for (const direction of ['s2c', 'c2s', 'echo'] as Direction[]) {
    const leg = DATA_LEG[direction];
    describe(direction, () => {
      it('a flipped payload byte: 1 byte corrupt, nothing else', async () => {
        const { s, applied } = await through([{ leg, frame: 3, op: 'flip', at: HEADER_BYTES + 100 }], { direction });
        dataFrame(applied[0]!);
        assert.deepEqual(classes(s), { ...CLEAN, corrupt: 1 });
      });

      for (const [what, at] of [
        ['stream id', STREAM_BYTE],
        ['offset', OFFSET_BYTE],
        ['length', LEN_BYTE],
        ['magic', 1],
      ] as const) {
        it(`a flipped ${what} byte in a DATA header: that frame's payload corrupt, once (not also lost), never repaired`, async () => {
          const { s, applied } = await through([{ leg, frame: 4, op: 'flip', at }], { direction });
          assert.deepEqual(classes(s), { ...CLEAN, corrupt: dataFrame(applied[0]!) });
        });
      }

      it('a dropped frame: its payload lost', async () => {
        const { s, applied } = await through([{ leg, frame: 3, op: 'drop' }], { direction });
        assert.deepEqual(classes(s), { ...CLEAN, lost: dataFrame(applied[0]!) });
      });

      it('two frames swapped at a frame boundary: reordered, nothing lost, duplicated or corrupt', async () => {
        const { s, applied } = await through([{ leg, frame: 3, op: 'swap' }], { direction });
        assert.deepEqual(classes(s), { ...CLEAN, reordered: dataFrame(applied[0]!) });
        assert.equal(typeof s.firstBadOffset, 'number');
      });

      for (const [what, at] of [
        ['stream id', STREAM_BYTE],
        ['magic', 0],
        ['length', LEN_BYTE],
        ['payload', HEADER_BYTES],
      ] as const) {
        it(`a flipped ${what} byte in the HELLO under --no-reconnect: the handshake fails and the stream with it`, async () => {
          const { s, events } = await through([{ leg: 'c2s', frame: 0, op: 'flip', at }], { direction, reconnect: false });
          assert.deepEqual(classes(s), { ...CLEAN, handshakeFailures: 1, failed: true });
          assert.match(s.failReason ?? '', /^handshake: server rejected the HELLO/);
          assert.equal(events.filter((e) => e.event === 'connecting').length, 1, 'no second attempt');
          assert.deepEqual(s.connections, []);
        });
      }

      it('a flipped byte in the WELCOME: a failed handshake, retried with reconnects on, then a clean stream', async () => {
        const { s, events } = await through([{ leg: 's2c', frame: 0, op: 'flip', at: STREAM_BYTE }], { direction });
        assert.deepEqual(classes(s), { ...CLEAN, handshakeFailures: 1 });
        const failed = events.filter((e): e is Extract<ProbeEvent, { event: 'handshake-failed' }> => e.event === 'handshake-failed');
        assert.deepEqual(
          failed.map((e) => e.reason),
          ['corrupt bytes before WELCOME'],
        );
        assert.equal(s.connections.length, 1);
        assert.ok(s.bytes > 100_000, `${s.bytes} bytes after the retry`);
      });
    });
  }

  it("echo: a damaged frame on the way back is counted too (both legs are the client's to judge)", async () => {
    const { s, applied } = await through([{ leg: 's2c', frame: 5, op: 'flip', at: STREAM_BYTE }], { direction: 'echo' });
    assert.deepEqual(classes(s), { ...CLEAN, corrupt: dataFrame(applied[0]!) });
  });

  it('c2s: a damaged ACK on its way to the client counts as corrupt (its whole frame)', async () => {
    const { s, applied } = await through([{ leg: 's2c', frame: 2, op: 'flip', at: HEADER_BYTES + 3 }], { direction: 'c2s' });
    assert.equal(applied[0]!.type, FrameType.Ack);
    assert.deepEqual(classes(s), { ...CLEAN, corrupt: HEADER_BYTES + applied[0]!.len });
  });
});
