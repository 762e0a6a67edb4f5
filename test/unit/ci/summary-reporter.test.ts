// The summary reporter, run for real: mocha spawned with it on a small test file whose tests
// flag themselves flaky the way test/e2e/scenarios.test.ts does (markIfFlaky).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FLAKY_MARK } from '../../helpers/scenario-assert.js';
import { repoRoot } from '../../helpers/repo-root.js';

const runReporter = (body: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fl-reporter-'));
  try {
    const file = path.join(dir, 'sample.test.cjs');
    writeFileSync(file, `const mark = (t, scenario, note) => { t[${JSON.stringify(FLAKY_MARK)}] = { scenario, note }; };\n${body}`);
    const mocha = path.join(repoRoot, 'node_modules/mocha/bin/mocha.js');
    const reporter = path.join(repoRoot, 'test/summary-reporter.cjs');
    const args = [mocha, '--config', path.join(repoRoot, '.mocharc.json'), '--reporter', reporter, file];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, lines: r.stdout.trimEnd().split('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('summary reporter', function () {
  this.timeout(60_000);

  it('names each failed test with its telling line, then the summary line, then a flaky line naming each flaky scenario once', () => {
    const r = runReporter(`
describe('arp', () => {
  it('repeat #1', function () { mark(this.test, 'arp-ha-crash-active', 'repeat #1 failed once: max gap 512 > 500 ms'); });
  it('repeat #2', function () { mark(this.test, 'arp-ha-crash-active', 'repeat #2 failed twice: x'); });
  it('repeat #3', () => {});
});
describe('nat', () => { it('repeat #1', function () { mark(this.test, 'nat-lb-move', 'repeat #1 failed once: y'); }); });
describe('bad', () => { it('repeat #1', function () { mark(this.test, 'bad', 'ignored'); throw new Error('repeat 1 failed\\n  ✖ max-gap: 700 ms\\n  more'); }); });
`);
    assert.equal(r.status, 1);
    assert.deepEqual(r.lines.slice(-4), [
      'failed: bad repeat #1 — ✖ max-gap: 700 ms',
      '',
      '4 passed, 1 failed',
      '2 flaky: arp-ha-crash-active (repeat #1 failed once: max gap 512 > 500 ms; repeat #2 failed twice: x), ' +
        'nat-lb-move (repeat #1 failed once: y)',
    ]);
  });

  it('says 0 flaky when nothing was rerun', () => {
    const r = runReporter(`describe('s', () => { it('a', () => {}); });\n`);
    assert.equal(r.status, 0);
    assert.deepEqual(r.lines.slice(-2), ['1 passed, 0 failed', '0 flaky']);
  });
});
