import { strict as assert } from 'node:assert';
import type { RunnerEntry } from '../../../../src/orchestrator/history/history-types.js';
import { parseDaemonJsonl, parseProbeJsonl } from '../../../../src/orchestrator/history/parse-jsonl.js';
import { T0, summary } from '../fixtures.js';

const src = { file: 'client1:/tmp/probe.jsonl', node: 'client1', workload: 'web' };
const line = (v: unknown) => JSON.stringify(v);

describe('parseProbeJsonl', () => {
  it('turns events into probe entries and the closing summary into stream summaries', () => {
    const { workload: _w, node: _n, ...s } = summary({ stream: 3 });
    const text = [
      line({ t: T0, source: 'probe-client', stream: 3, event: 'connecting', attempt: 1, offset: 0 }),
      line({ t: T0 + 5, source: 'probe-client', stream: 3, event: 'progress', bytes: 4096, extra: 'kept' }),
      line({ t: T0 + 9, source: 'probe-client', summary: [s] }),
      '',
    ].join('\n');
    const parsed = parseProbeJsonl(text, src);
    assert.equal(parsed.entries.length, 2);
    const second = parsed.entries[1]!;
    assert.equal(second.kind, 'probe');
    if (second.kind === 'probe') {
      assert.equal(second.node, 'client1');
      assert.equal(second.workload, 'web');
      assert.equal(second.event.event, 'progress');
      assert.equal((second.event as unknown as { extra: string }).extra, 'kept');
    }
    assert.equal(parsed.streams.length, 1);
    assert.equal(parsed.streams[0]!.stream, 3);
    assert.equal(parsed.streams[0]!.workload, 'web');
  });

  it('tolerates a truncated last line (writer killed mid-write) with a warning, not an error', () => {
    const text = `${line({ t: T0, source: 'probe-client', stream: 0, event: 'progress', bytes: 1 })}\n{"t":${T0 + 1},"source":"probe-cl`;
    const { entries } = parseProbeJsonl(text, src);
    assert.equal(entries.length, 2);
    const note = entries[1] as RunnerEntry;
    assert.equal(note.kind, 'runner');
    assert.equal(note.event, 'warning');
    assert.match(note.detail ?? '', /probe\.jsonl:2: truncated/);
    assert.equal(note.t, T0);
  });

  it('reports malformed lines as runner error entries with their line numbers and keeps the rest', () => {
    const text = [
      line({ t: T0, source: 'probe-client', stream: 0, event: 'progress', bytes: 1 }),
      'Segmentation fault (core dumped)',
      line({ t: T0 + 2, source: 'probe-client', stream: 0, event: 'teleported', offset: 0 }),
      line({ t: T0 + 3, source: 'probe-client', stream: 0, event: 'lost', offset: 10 }),
      line({ t: T0 + 4, source: 'probe-client', stream: 0, event: 'eof', offset: 10 }),
      '',
    ].join('\n');
    const { entries } = parseProbeJsonl(text, src);
    const errors = entries.filter((e): e is RunnerEntry => e.kind === 'runner');
    assert.deepEqual(
      errors.map((e) => e.event),
      ['error', 'error', 'error'],
    );
    assert.match(errors[0]!.detail!, /:2: not JSON: Segmentation fault/);
    assert.match(errors[1]!.detail!, /:3: bad probe event: event: Invalid discriminator/);
    assert.match(errors[2]!.detail!, /:4: bad probe event: bytes: Required/);
    assert.equal(entries.filter((e) => e.kind === 'probe').length, 2);
    // Errors sit in time next to the line before them.
    assert.deepEqual(
      errors.map((e) => e.t),
      [T0, T0, T0],
    );
  });

  it('a complete but malformed last line is an error, not a truncation', () => {
    const { entries } = parseProbeJsonl('{oops}\n', src);
    assert.equal((entries[0] as RunnerEntry).event, 'error');
  });
});

describe('parseDaemonJsonl', () => {
  it('maps {t, node, daemon, event, ...rest} to a daemon entry with data = rest', () => {
    const text = `${line({ t: T0, node: 'lb2', daemon: 'arp-ha', event: 'became-master', vip: '198.18.0.100', prio: 100 })}\n`;
    const [entry] = parseDaemonJsonl(text, { file: 'lb2:stdout', node: 'lb2' });
    assert.deepEqual(entry, {
      t: T0,
      kind: 'daemon',
      node: 'lb2',
      daemon: 'arp-ha',
      event: 'became-master',
      data: { vip: '198.18.0.100', prio: 100 },
    });
  });

  it('falls back to the source node and reports lines missing required fields', () => {
    const text = [
      line({ t: T0, daemon: 'arp-ha', event: 'start' }),
      line({ t: 'soon', daemon: 'arp-ha', event: 'x' }),
      line([1, 2]),
      line({ t: T0 + 1, daemon: 'arp-ha' }),
    ].join('\r\n');
    const entries = parseDaemonJsonl(text, { file: 'lb1:stdout', node: 'lb1' });
    assert.equal(entries[0]!.kind === 'daemon' && entries[0]!.node, 'lb1');
    const details = entries.filter((e): e is RunnerEntry => e.kind === 'runner').map((e) => e.detail);
    assert.deepEqual(details, [
      'lb1:stdout:2: missing numeric "t"',
      'lb1:stdout:3: not a JSON object',
      'lb1:stdout:4: missing string "event"',
    ]);
  });
});
