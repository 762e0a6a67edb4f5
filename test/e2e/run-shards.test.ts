// `failover-lab run A B --shard i/n` on real containers: two shards of two scenarios run one
// scenario each, every scenario exactly once, each JUnit file named after its shard.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, repoRoot } from '../helpers/lab-fixture.js';

describe('failover-lab run --shard (real containers)', function () {
  this.timeout(120_000);
  const files = ['quiet-a', 'quiet-b'].map((n) => path.join(repoRoot, `test/fixtures/scenarios/${n}.yml`));
  let out: string;
  before(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'fl-shards-'));
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('runs each scenario on exactly one of two shards and writes its JUnit file under junit/ with the shard in its name', async () => {
    const ran: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const r = await cli(['run', ...files, '--shard', shard, '--out', out]);
      assert.equal(r.exitCode, 0, r.stderr);
      const passed = [...r.stdout.matchAll(/^PASS {2}(\S+)/gm)].map((m) => m[1]!);
      assert.equal(passed.length, 1, r.stdout);
      ran.push(...passed);
      const label = `shard-${shard.replace('/', '-of-')}`;
      assert.ok(existsSync(path.join(out, 'junit', `${passed[0]}.${label}.xml`)), `${passed[0]}.${label}.xml`);
    }
    assert.deepEqual(ran.sort(), ['quiet-a', 'quiet-b']);
  });
});
