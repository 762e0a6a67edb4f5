import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCheckOnce } from '../../../../src/daemons/arp-ha/app-check.js';

describe('arp-ha application check', () => {
  it('a file check passes on the expected content (trimmed) and fails on any other, or a missing file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fl-check-'));
    try {
      const file = path.join(dir, 'carrier');
      const spec = { file, equals: '1', intervalMs: 50, failures: 2 };
      await writeFile(file, '1\n');
      assert.equal(await runCheckOnce(spec), true);
      await writeFile(file, '0\n');
      assert.equal(await runCheckOnce(spec), false);
      assert.equal(await runCheckOnce({ ...spec, file: path.join(dir, 'missing') }), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a command check passes on exit 0 only', async () => {
    assert.equal(await runCheckOnce({ command: 'true', intervalMs: 50, timeoutMs: 1000, failures: 2 }), true);
    assert.equal(await runCheckOnce({ command: 'exit 3', intervalMs: 50, timeoutMs: 1000, failures: 2 }), false);
  });
});
