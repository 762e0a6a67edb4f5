import { strict as assert } from 'node:assert';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { T0, fault, history, probe, summary } from '../fixtures.js';

const gap = (startS: number, ms: number) => ({ startMs: T0 + startS * 1000, endMs: T0 + startS * 1000 + ms });

describe('maxGap', () => {
  const h = history(
    [],
    [
      summary({ stream: 0, maxGapMs: 900, gaps: [gap(10, 900)] }),
      summary({ stream: 1, maxGapMs: 2140, gaps: [gap(10, 2140)] }),
      summary({ stream: 0, workload: 'ctl', maxGapMs: 5000 }),
    ],
  );
  it('passes when every stream is within the limit, naming the worst', () => {
    const r = Checks.maxGap(2300, { workload: 'web' }).check(h);
    assert.equal(r.valid, true);
    assert.equal(r.name, 'max-gap[web]');
    assert.match(r.detail, /worst web\/client1#1: 2140 ms ≤ limit 2300 ms \(2 streams\)/);
  });
  it('fails when any stream is over, naming the worst stream and its gap', () => {
    const r = Checks.maxGap(2300).check(h);
    assert.equal(r.valid, false);
    assert.match(r.detail, /worst ctl\/client1#0: 5000 ms > limit 2300 ms; 1 of 3 streams over/);
  });
  it('is unknown without stream summaries, or when a running stream has none', () => {
    assert.equal(Checks.maxGap(100).check(history()).valid, 'unknown');
    const missing = history([probe(T0, { event: 'progress', bytes: 1 }, { stream: 7 })], [summary()]);
    const r = Checks.maxGap(100).check(missing);
    assert.equal(r.valid, 'unknown');
    assert.match(r.detail, /1 streams have no summary: web\/client1#7/);
  });
});

describe('gapWithin', () => {
  const shape = { expectedMs: 2000, toleranceMs: 300, count: 1 };
  it('passes with exactly one gap of 2 s ± 0.3 s per stream (bounds included)', () => {
    const h = history([], [summary({ stream: 0, gaps: [gap(5, 1700)] }), summary({ stream: 1, gaps: [gap(5, 2300)] })]);
    assert.equal(Checks.gapWithin(shape).check(h).valid, true);
  });
  it('fails on a gap out of tolerance, a missing gap, or an extra gap', () => {
    const h = history(
      [],
      [
        summary({ stream: 0, gaps: [gap(5, 2400)] }),
        summary({ stream: 1, gaps: [] }),
        summary({ stream: 2, gaps: [gap(5, 2000), gap(9, 2000)] }),
        summary({ stream: 3, gaps: [gap(5, 2000)] }),
      ],
    );
    const r = Checks.gapWithin(shape).check(h);
    assert.equal(r.valid, false);
    assert.match(
      r.detail,
      /^3 of 4 streams lack exactly 1 gap of 2000 ms ± 300 ms: web\/client1#0: 1 gap \(2400 ms\), web\/client1#1: no gaps, web\/client1#2: 2 gaps/,
    );
  });
  it('without count wants at least one gap, all in shape', () => {
    const h = history([], [summary({ gaps: [gap(5, 2000), gap(9, 1900)] })]);
    assert.equal(Checks.gapWithin({ expectedMs: 2000, toleranceMs: 300 }).check(h).valid, true);
    assert.equal(Checks.gapWithin({ expectedMs: 2000, toleranceMs: 300 }).check(history([], [summary()])).valid, false);
  });
});

describe('per-stream count bounds', () => {
  const h = history(
    [],
    [
      summary({ stream: 0, resets: 0, reconnects: 1, bytesLost: 0 }),
      summary({ stream: 1, resets: 2, reconnects: 2, bytesLost: 4096, bytesDuplicated: 10, bytesCorrupt: 1 }),
    ],
  );
  const clean = history([], [summary({ stream: 0, reconnects: 1 }), summary({ stream: 1, reconnects: 1 })]);

  it('resets', () => {
    const r = Checks.resets({ max: 0 }).check(h);
    assert.equal(r.valid, false);
    assert.equal(r.detail, '1 of 2 streams not ≤ 0 per stream: web/client1#1 = 2 (total 2)');
    assert.equal(Checks.resets({ max: 2 }).check(h).valid, true);
    assert.equal(Checks.resets({ max: 0 }).check(clean).valid, true);
  });
  it('reconnects with max and with min', () => {
    assert.equal(Checks.reconnects({ max: 1 }).check(h).valid, false);
    assert.equal(Checks.reconnects({ min: 1 }).check(h).valid, true);
    assert.equal(Checks.reconnects({ min: 2 }).check(h).valid, false);
    assert.equal(Checks.reconnects({ min: 1, max: 1 }).check(clean).valid, true);
    assert.match(Checks.reconnects({ min: 1, max: 1 }).check(clean).detail, /all 2 streams ≥ 1 and ≤ 1 per stream \(total 2\)/);
  });
  it('bytes lost / duplicated / corrupt', () => {
    assert.equal(Checks.bytesLost({ max: 0 }).check(h).valid, false);
    assert.match(Checks.bytesLost({ max: 0 }).check(h).detail, /web\/client1#1 = 4096/);
    assert.equal(Checks.bytesLost({ max: 4096 }).check(h).valid, true);
    assert.equal(Checks.bytesDuplicated({ max: 0 }).check(h).valid, false);
    assert.equal(Checks.bytesDuplicated({ max: 0 }).check(clean).valid, true);
    assert.equal(Checks.bytesCorrupt({ max: 0 }).check(h).valid, false);
    assert.equal(Checks.bytesCorrupt({ max: 0 }).check(clean).valid, true);
  });
  it('bytes reordered and handshake failures (a summary of an older probe, without them, counts none)', () => {
    const probeV2 = history([], [summary({ stream: 0, bytesReordered: 16_384, handshakeFailures: 1 }), summary({ stream: 1 })]);
    const r = Checks.bytesReordered({ max: 0 }).check(probeV2);
    assert.equal(r.valid, false);
    assert.equal(r.detail, '1 of 2 streams not ≤ 0 per stream: web/client1#0 = 16384 (total 16384)');
    assert.equal(Checks.bytesReordered({ max: 16_384 }).check(probeV2).valid, true);
    assert.equal(Checks.handshakeFailures({ max: 0 }).check(probeV2).valid, false);
    assert.equal(Checks.handshakeFailures({ max: 0 }).check(clean).valid, true);
  });
  it('is unknown with no streams in scope', () => {
    assert.equal(Checks.resets({ max: 0, workload: 'nope' }).check(h).valid, 'unknown');
  });
});

describe('noFailedStreams and streamsEstablished', () => {
  it('fails on a failed summary or a failed event of an unsummarised stream', () => {
    assert.equal(Checks.noFailedStreams().check(history([], [summary()])).valid, true);
    const h = history(
      [probe(T0 + 1, { event: 'failed', offset: 5, reason: 'reset under --no-reconnect' }, { stream: 4 })],
      [summary({ stream: 1, failed: true, failReason: 'connect timeout' }), summary({ stream: 2 })],
    );
    const r = Checks.noFailedStreams().check(h);
    assert.equal(r.valid, false);
    assert.equal(r.detail, '2 streams failed: web/client1#1 (connect timeout), web/client1#4 (reset under --no-reconnect)');
  });
  it('counts distinct established client streams', () => {
    const tuple = { localAddress: 'a', localPort: 1, remoteAddress: 'b', remotePort: 2 };
    const h = history(
      [
        probe(T0, { event: 'established', tuple, offset: 0 }, { stream: 0 }),
        probe(T0, { event: 'established', tuple, offset: 0 }, { stream: 0 }),
        probe(T0, { event: 'established', tuple, offset: 0 }, { stream: 1, source: 'probe-server' }),
      ],
      [summary({ stream: 2 }), summary({ stream: 3, connections: [] })],
    );
    assert.equal(Checks.streamsEstablished({ min: 2 }).check(h).valid, true);
    const r = Checks.streamsEstablished({ min: 3 }).check(h);
    assert.equal(r.valid, false);
    assert.equal(r.detail, '2 streams established, want at least 3');
  });
});

describe('stallDetectedWithin', () => {
  const running = (stream: number) => probe(T0 + 100, { event: 'progress', bytes: 10 }, { stream });
  it('passes when every running stream times out, resets or sees EOF within ms of the first fault start', () => {
    const h = history([
      running(0),
      running(1),
      running(2),
      fault(T0 + 10_000, 'start'),
      probe(T0 + 10_500, { event: 'stall', offset: 10, silentMs: 500 }, { stream: 0 }),
      probe(T0 + 11_400, { event: 'timeout', kind: 'stall', offset: 10 }, { stream: 0 }),
      probe(T0 + 10_200, { event: 'reset', offset: 10, error: 'ECONNRESET' }, { stream: 1 }),
      probe(T0 + 11_500, { event: 'eof', offset: 10 }, { stream: 2 }),
      fault(T0 + 20_000, 'start', 'flap-2'),
    ]);
    const r = Checks.stallDetectedWithin({ ms: 1500 }).check(h);
    assert.equal(r.valid, true);
    assert.match(r.detail, /all 3 streams detected within 1500 ms after flap-1 started/);
  });
  it('fails when detection is late or never happens; ignores connect timeouts', () => {
    const h = history([
      running(0),
      running(1),
      fault(T0 + 10_000, 'start'),
      probe(T0 + 12_000, { event: 'timeout', kind: 'stall', offset: 10 }, { stream: 0 }),
      probe(T0 + 10_100, { event: 'timeout', kind: 'connect', offset: 10 }, { stream: 1 }),
    ]);
    const r = Checks.stallDetectedWithin({ ms: 1500 }).check(h);
    assert.equal(r.valid, false);
    assert.match(
      r.detail,
      /2 of 2 streams did not detect within 1500 ms after flap-1 started: web\/client1#0: 2000 ms, web\/client1#1: never/,
    );
  });
  it('is unknown without a fault or without a running stream', () => {
    assert.equal(Checks.stallDetectedWithin({ ms: 1 }).check(history([running(0)])).valid, 'unknown');
    assert.equal(Checks.stallDetectedWithin({ ms: 1 }).check(history([fault(T0, 'start'), running(0)])).valid, 'unknown');
  });
});
