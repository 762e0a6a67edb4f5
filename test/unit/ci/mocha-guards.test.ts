// The suite cannot go green by running less than it says: under the project's .mocharc.json a
// forgotten `.only` or a pending test fails the whole run. Each guard is proven by spawning
// mocha on a small file that trips it, next to a control file that does not.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../helpers/repo-root.js';

const mochaOn = (dir: string, name: string, body: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  const mocha = path.join(repoRoot, 'node_modules/mocha/bin/mocha.js');
  const r = spawnSync(process.execPath, [mocha, '--config', path.join(repoRoot, '.mocharc.json'), '--reporter', 'dot', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
};

describe('mocha guards in .mocharc.json', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fl-mocha-guards-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a file with plain tests (the control)', () => {
    const r = mochaOn(dir, 'plain.test.cjs', "describe('s', () => { it('a', () => {}); it('b', () => {}); });\n");
    assert.equal(r.status, 0, r.output);
  });

  it('fails a run that contains it.only (forbid-only)', () => {
    const r = mochaOn(dir, 'only.test.cjs', "describe('s', () => { it.only('a', () => {}); it('b', () => {}); });\n");
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /only/i);
  });

  it('fails a run that contains describe.only (forbid-only)', () => {
    const r = mochaOn(dir, 'donly.test.cjs', "describe.only('s', () => { it('a', () => {}); });\n");
    assert.notEqual(r.status, 0, r.output);
  });

  it('fails a run with a pending test, a skipped test or a runtime skip (forbid-pending)', () => {
    for (const [name, body] of [
      ['pending.test.cjs', "describe('s', () => { it('a', () => {}); it('todo'); });\n"],
      ['skip.test.cjs', "describe('s', () => { it('a', () => {}); it.skip('b', () => {}); });\n"],
      ['runtime-skip.test.cjs', "describe('s', () => { it('a', function () { this.skip(); }); });\n"],
    ]) {
      const r = mochaOn(dir, name!, body!);
      assert.notEqual(r.status, 0, `${name}: ${r.output}`);
    }
  });
});
