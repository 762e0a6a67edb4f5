import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { JsonLinesSink } from '../../../src/probe/events.js';

/** A stream that keeps each write() apart, as a pipe's reader sees them. */
const recorder = (): { writes: string[]; out: Writable } => {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.length > 0) writes.push(chunk.toString());
      done();
    },
  });
  return { writes, out };
};

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('probe JSON-lines sink', () => {
  it('writes the lines of one event-loop turn in one write, in order', async () => {
    const { writes, out } = recorder();
    const sink = JsonLinesSink.over(out);
    for (let i = 0; i < 1000; i++) sink.write({ stream: i, event: 'progress' });
    assert.equal(writes.length, 0, 'nothing is written inside the turn');
    await nextTurn();
    assert.equal(writes.length, 1);
    const lines = writes[0]!.split('\n');
    assert.equal(lines.pop(), '', 'every line ends with a newline');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { stream: number }).stream),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('starts a new write for the next turn', async () => {
    const { writes, out } = recorder();
    const sink = JsonLinesSink.over(out);
    sink.write({ a: 1 });
    await nextTurn();
    sink.write({ a: 2 });
    await nextTurn();
    assert.deepEqual(writes, ['{"a":1}\n', '{"a":2}\n']);
  });

  it('close() writes what the turn still holds, and leaves a stream it does not own open', async () => {
    const { writes, out } = recorder();
    const sink = JsonLinesSink.over(out);
    sink.write({ last: true });
    await sink.close();
    assert.deepEqual(writes, ['{"last":true}\n']);
    assert.equal(out.writableEnded, false);
    await nextTurn();
    assert.equal(writes.length, 1, 'the turn that was scheduled finds nothing left to write');
  });
});
