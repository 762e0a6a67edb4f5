import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HistoryFileError,
  parseHistory,
  readHistory,
  serializeHistory,
  writeHistory,
} from '../../../../src/orchestrator/history/history-store.js';
import { T0, daemon, fault, history, probe, runner, summary } from '../fixtures.js';

describe('history store (history.jsonl)', () => {
  const h = history(
    [
      runner(T0, 'deployed'),
      fault(T0 + 10, 'start'),
      probe(T0 + 20, { event: 'progress', bytes: 5 }),
      daemon(T0 + 30, 'lb1', 'x', { a: [1] }),
    ],
    [summary({ stream: 1 }), summary({ stream: 2, gaps: [{ startMs: T0, endMs: T0 + 5 }], maxGapMs: 5 })],
  );

  it('writes one entry per line and reads back the same history', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-history-'));
    try {
      const path = join(dir, 'repeat-1', 'history.jsonl');
      await writeHistory(path, h);
      assert.deepEqual(await readHistory(path), h);
      const text = serializeHistory(h);
      assert.equal(text.split('\n').length, 1 + 4 + 2 + 1);
      assert.ok(text.endsWith('\n'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops a truncated last line but rejects garbage in the middle, naming the line', async () => {
    const text = serializeHistory(h);
    assert.equal(parseHistory(`${text}{"t":1,"ki`).entries.length, 4);
    const broken = text.replace('\n', '\nnot json\n');
    assert.throws(
      () => parseHistory(broken, 'h.jsonl'),
      (e: unknown) => e instanceof HistoryFileError && /h\.jsonl:2: not JSON/.test(e.message),
    );
    const dir = await mkdtemp(join(tmpdir(), 'fl-history-'));
    try {
      await writeFile(join(dir, 'x.jsonl'), '{"t":1,"kind":"runner","event":"x"}\n');
      await assert.rejects(readHistory(join(dir, 'x.jsonl')), /no meta line/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
