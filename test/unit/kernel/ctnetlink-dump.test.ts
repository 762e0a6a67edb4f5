import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eachEntry, EntryFields, ipv4Of, parseDumpPart, type ConntrackEntry } from '../../../src/kernel/ctnetlink-codec.js';
import { repoRoot } from '../../helpers/repo-root.js';

/** Real kernel bytes (test/fixtures/ctnetlink/README.md): a dump of the VIP's entries, then events. */
const fixture = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/ctnetlink/redirector-dump-events.json'), 'utf8')) as {
  dumpSeq: number;
  dump: string[];
  events: string[];
};
const bytes = (hex: string[]) => hex.map((h) => Buffer.from(h, 'hex'));

/** One line per visited entry: what the decoder put in the fields. */
const lines = (datagrams: Buffer[], seq: number | undefined): string[] => {
  const out: string[] = [];
  const f = new EntryFields();
  for (const d of datagrams)
    eachEntry(d, seq, f, (e) => {
      const kind = e.deleted ? 'DESTROY' : e.created ? 'NEW' : 'UPDATE';
      out.push(
        `${kind} ${e.orig.protocol} ${ipv4Of(e.orig.src)}:${e.orig.sport} > ${ipv4Of(e.orig.dst)}:${e.orig.dport} ` +
          `reply from ${ipv4Of(e.reply.src)}:${e.reply.sport} state ${e.tcpState}`,
      );
    });
  return out;
};

describe('ctnetlink reading, decoded in place (real dump and event bytes)', () => {
  it('a dump filtered by the VIP: every entry of the VIP, tuples, NAT target and TCP state; the end of the dump', () => {
    assert.deepEqual(lines(bytes(fixture.dump), fixture.dumpSeq).sort(), [
      'NEW 17 198.18.30.1:5353 > 198.18.30.100:8080 reply from 198.18.31.11:8080 state -1',
      'NEW 6 198.18.30.1:40000 > 198.18.30.100:8080 reply from 198.18.31.11:8080 state 3',
      'NEW 6 198.18.30.1:40001 > 198.18.30.100:8080 reply from 198.18.31.12:8080 state 3',
      'NEW 6 198.18.30.2:40002 > 198.18.30.100:8080 reply from 198.18.31.12:8080 state 7',
      'NEW 6 198.18.30.2:40003 > 198.18.30.100:9999 reply from 198.18.31.12:9999 state 3',
      'NEW 6 198.18.30.3:40000 > 198.18.30.100:8082 reply from 198.18.31.15:8082 state 3',
    ]);
    const ends = bytes(fixture.dump).map((d) => eachEntry(d, fixture.dumpSeq, new EntryFields(), () => undefined));
    assert.deepEqual(ends.at(-1), { done: true });
    assert.deepEqual(lines(bytes(fixture.dump), fixture.dumpSeq + 1), [], 'another request’s messages are skipped');
  });

  it('events in order: new (with its state), an update to TIME_WAIT, a destroy, a new SYN_SENT', () => {
    assert.deepEqual(lines(bytes(fixture.events), undefined), [
      'NEW 6 198.18.30.1:40000 > 198.18.30.100:8080 reply from 198.18.31.11:8080 state 3',
      'NEW 6 198.18.30.1:40001 > 198.18.30.100:8080 reply from 198.18.31.12:8080 state 3',
      'NEW 6 198.18.30.3:40000 > 198.18.30.100:8082 reply from 198.18.31.15:8082 state 3',
      'NEW 6 198.18.30.2:40002 > 198.18.30.100:8080 reply from 198.18.31.12:8080 state 7',
      'NEW 6 198.18.30.2:40003 > 198.18.30.100:9999 reply from 198.18.31.12:9999 state 3',
      'NEW 6 198.18.30.2:40004 > 198.18.30.22:8080 reply from 198.18.31.11:8080 state 3',
      'NEW 17 198.18.30.1:5353 > 198.18.30.100:8080 reply from 198.18.31.11:8080 state -1',
      'UPDATE 6 198.18.30.1:40001 > 198.18.30.100:8080 reply from 198.18.31.12:8080 state 7',
      'DESTROY 6 198.18.30.1:40000 > 198.18.30.100:8080 reply from 198.18.31.11:8080 state 3',
      'NEW 6 198.18.30.4:40005 > 198.18.30.100:8081 reply from 198.18.31.13:8081 state 1',
    ]);
  });

  it('the entries a caller keeps (parseDumpPart) agree with the fields; origKey is the original tuple as the kernel wrote it', () => {
    const entries: ConntrackEntry[] = bytes(fixture.dump).flatMap((d) => parseDumpPart(d, fixture.dumpSeq).entries);
    const e = entries.find((x) => x.orig.sport === 40001)!;
    assert.deepEqual(e.orig, { src: '198.18.30.1', dst: '198.18.30.100', protocol: 6, sport: 40001, dport: 8080 });
    assert.deepEqual(e.reply, { src: '198.18.31.12', dst: '198.18.30.1', protocol: 6, sport: 8080, dport: 40001 });
    assert.equal(e.tcpState, 'ESTABLISHED');
    assert.equal(e.origKey.readUInt16LE(0), 20, 'the key starts with the CTA_TUPLE_IP nest');
    assert.equal(entries.find((x) => x.orig.protocol === 17)!.tcpState, undefined);
  });

  it('a truncated datagram ends the walk without throwing', () => {
    const d = bytes(fixture.dump)[0]!;
    for (const cut of [3, 17, 40, d.length - 5])
      assert.doesNotThrow(() => eachEntry(d.subarray(0, cut), undefined, new EntryFields(), () => undefined));
  });
});
