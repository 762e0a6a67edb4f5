import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { e2eFilesOfShard, SCENARIO_SUITE } from '../../helpers/e2e-shard-files.js';
import { repoRoot } from '../../helpers/repo-root.js';

describe('make e2e SHARD=i/n: the e2e files of a shard', () => {
  const files = readdirSync(path.join(repoRoot, 'dist/test/e2e')).filter((f) => f.endsWith('.test.js'));

  it('runs the scenario suite on every shard and every other e2e file on exactly one', () => {
    assert.ok(files.includes(SCENARIO_SUITE) && files.length > 3);
    for (let n = 1; n <= files.length; n++) {
      const shards = Array.from({ length: n }, (_, i) => e2eFilesOfShard(files, `${i + 1}/${n}`));
      for (const s of shards) assert.equal(s[0], SCENARIO_SUITE);
      const others = shards.flatMap((s) => s.slice(1));
      assert.deepEqual([...others].sort(), files.filter((f) => f !== SCENARIO_SUITE).sort(), `${n} shards`);
      const again = Array.from({ length: n }, (_, i) => e2eFilesOfShard([...files].reverse(), `${i + 1}/${n}`));
      assert.deepEqual(again, shards, 'deterministic');
    }
  });

  it('deals files of several folders by path, the scenario suite on every shard', () => {
    const paths = ['e2e/scenarios.test.js', 'e2e/a.test.js', 'e2e/b.test.js', 'examples/mocha/x.test.js'];
    const shards = [1, 2].map((i) => e2eFilesOfShard(paths, `${i}/2`));
    for (const s of shards) assert.equal(s[0], 'e2e/scenarios.test.js');
    assert.deepEqual(shards.flatMap((s) => s.slice(1)).sort(), ['e2e/a.test.js', 'e2e/b.test.js', 'examples/mocha/x.test.js']);
  });

  it('refuses a bad shard', () => {
    for (const bad of ['0/3', '4/3', 'a/b', '']) assert.throws(() => e2eFilesOfShard(files, bad), new RegExp(`SHARD is '${bad}'`));
  });
});
