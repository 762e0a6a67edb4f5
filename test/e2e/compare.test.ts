// `failover-lab compare`: two scenario runs, one side-by-side report linking both.
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli, repoRoot } from '../helpers/lab-fixture.js';

describe('failover-lab compare (real containers)', function () {
  this.timeout(90_000);
  it('runs each scenario and writes one comparison with both', async () => {
    const out = path.join(os.tmpdir(), `fl-compare-${process.pid}`);
    const result = await cli([
      'compare',
      path.join(repoRoot, 'test/fixtures/scenarios/quiet-a.yml'),
      path.join(repoRoot, 'test/fixtures/scenarios/quiet-b.yml'),
      '--out',
      out,
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    const htmlPath = /comparison: (\S+)/.exec(result.stdout)?.[1];
    assert.ok(htmlPath, result.stdout);
    const json = JSON.parse(await readFile(path.join(path.dirname(htmlPath), 'comparison.json'), 'utf8')) as {
      runs: { scenario: string; passed: number; repeats: number; dir: string }[];
    };
    assert.deepEqual(
      json.runs.map((r) => [r.scenario, r.passed, r.repeats]),
      [
        ['quiet-a', 1, 1],
        ['quiet-b', 1, 1],
      ],
    );
    for (const r of json.runs)
      assert.ok((await readFile(path.join(path.dirname(htmlPath), r.dir, 'report.html'), 'utf8')).includes('<svg'));
    assert.match(await readFile(htmlPath, 'utf8'), /quiet-a vs quiet-b/);
  });
});
