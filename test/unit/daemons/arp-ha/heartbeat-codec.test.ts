import { strict as assert } from 'node:assert';
import {
  decodeHeartbeat,
  encodeHeartbeat,
  ReplayGuard,
  type Heartbeat,
  type Mode,
} from '../../../../src/daemons/arp-ha/heartbeat-codec.js';

const hb = (node: string, mac: string, mode: Mode, seq = 1, extra: Partial<Heartbeat['groups'][number]> = {}): Heartbeat => ({
  v: 1,
  node,
  boot: 'b1',
  seq,
  sentMs: 0,
  groups: [{ group: 'web', mode, priority: 100, mac, eligible: true, ...extra }],
});

describe('heartbeat codec', () => {
  const key = Buffer.from('k1');
  const beat = hb('a', '02:00:00:00:00:01', 'ACTIVE');
  it('round-trips an authenticated heartbeat', () => {
    const d = decodeHeartbeat(encodeHeartbeat(beat, key), key);
    assert.deepEqual(d, { ok: true, heartbeat: beat });
  });
  it('rejects a wrong key, tampering, garbage and oversize packets without throwing', () => {
    const packet = encodeHeartbeat(beat, key);
    assert.deepEqual(decodeHeartbeat(packet, Buffer.from('k2')), { ok: false, reason: 'auth' });
    const tampered = Buffer.from(packet);
    tampered[5] = tampered[5]! ^ 1;
    assert.deepEqual(decodeHeartbeat(tampered, key), { ok: false, reason: 'auth' });
    assert.deepEqual(decodeHeartbeat(Buffer.from('x'), key), { ok: false, reason: 'malformed' });
    assert.deepEqual(decodeHeartbeat(Buffer.alloc(9000), key), { ok: false, reason: 'oversize' });
    const badBody = encodeHeartbeat({ ...beat, groups: [{ nope: 1 }] } as unknown as Heartbeat, key);
    assert.deepEqual(decodeHeartbeat(badBody, key), { ok: false, reason: 'malformed' });
  });
  it('guards against replays and stale packets per sender, boot and path', () => {
    const g = new ReplayGuard(2000);
    assert.equal(g.accept({ ...beat, seq: 5, sentMs: 1000 }, 'hb', 1000), 'ok');
    assert.equal(g.accept({ ...beat, seq: 5, sentMs: 1000 }, 'hb', 1010), 'replay');
    assert.equal(g.accept({ ...beat, seq: 5, sentMs: 1000 }, 'lan', 1010), 'ok', 'same beat on another path');
    assert.equal(g.accept({ ...beat, seq: 1, boot: 'b2', sentMs: 1100 }, 'hb', 1100), 'ok', 'a restarted peer');
    assert.equal(g.accept({ ...beat, seq: 9, sentMs: 0 }, 'hb', 5000), 'stale');
  });
});
