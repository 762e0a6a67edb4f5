import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../helpers/repo-root.js';
import { staleCompiledFiles } from './stale-compiled.js';

describe('no stale compiled tests', () => {
  it('finds a compiled file whose source was deleted, and only that one', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fl-stale-'));
    try {
      const put = (rel: string) => {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), '');
      };
      put('test/unit/kept.test.ts');
      put('dist/test/unit/kept.test.js');
      put('dist/test/unit/kept.test.js.map');
      put('dist/test/unit/deleted.test.js');
      assert.deepEqual(staleCompiledFiles(path.join(root, 'dist'), root), [path.join('test', 'unit', 'deleted.test.js')]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('dist/ of this run holds no compiled file without its source', () => {
    assert.deepEqual(staleCompiledFiles(path.join(repoRoot, 'dist'), repoRoot), []);
  });

  it('make test, test-unit and e2e remove dist/ before compiling', () => {
    for (const target of ['test', 'test-unit', 'e2e']) {
      const r = spawnSync('make', ['-n', '-C', repoRoot, target], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.split('\n');
      const clean = lines.findIndex((l) => /\brm -rf dist\b/.test(l));
      const compile = lines.findIndex((l) => /\btsc\b/.test(l));
      assert.ok(clean >= 0 && compile > clean, `make ${target} must run 'rm -rf dist' before tsc; it runs:\n${r.stdout}`);
    }
  });
});
