import { strict as assert } from 'node:assert';
import path from 'node:path';
import { parseScenarioFile } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { RunOptionError } from '../../../../src/orchestrator/runner/run-option-error.js';
import { findScenarioFiles } from '../../../../src/orchestrator/runner/scenario-files.js';
import { assignShards, expectedDurationMs, parseShard, selectShard, shardLabel } from '../../../../src/orchestrator/runner/shard.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const fake = (file: string, repeat: number, durationS: number) => ({
  file,
  repeat,
  warmup: 0,
  workloads: [{ duration: durationS * 1000 }],
});

describe('shards', () => {
  it('parses i/n and refuses 0/3, 4/3, a/b and other shapes with a clear error', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, total: 3 });
    assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, total: 1 });
    assert.equal(shardLabel(parseShard('2/3')), 'shard-2-of-3');
    for (const bad of ['0/3', '4/3', 'a/b', '1/0', '0/0', '', '1', '1/2/3', '-1/3', '1.5/3']) {
      const clear = (e: unknown) => e instanceof RunOptionError && e.message.includes(`--shard is '${bad}'`) && /1 ≤ i ≤ n/.test(e.message);
      assert.throws(() => parseShard(bad), clear, bad);
    }
    assert.throws(() => parseShard('x', 'SHARD'), /^RunOptionError: SHARD is 'x'/);
  });

  it('estimates a run as repeats × (warm-up + longest workload + 15 s)', () => {
    const scenario = { repeat: 3, warmup: 1000, workloads: [{ duration: 4000 }, { duration: 6000 }] };
    assert.equal(expectedDurationMs(scenario), 3 * (1000 + 6000 + 15_000));
  });

  it('balances by expected duration, longest first', () => {
    const items = Object.entries({ a: 10, b: 7, c: 5, d: 3, e: 2 }).map(([key, weightMs]) => ({ key, weightMs }));
    assert.deepEqual(assignShards(items, 2), [1, 2, 2, 1, 2], 'a 10 | b 7, c 5 → 12 | d 3 → 13 | e 2 → 14');
  });

  it('puts every scenario of the project in exactly one shard, the same one on every call, for 1 to 7 shards', async () => {
    const scenarios = await Promise.all((await findScenarioFiles([path.join(repoRoot, 'scenarios')])).map((f) => parseScenarioFile(f)));
    assert.ok(scenarios.length > 10);
    const total = scenarios.reduce((t, s) => t + expectedDurationMs(s), 0);
    for (let n = 1; n <= 7; n++) {
      const shards = Array.from({ length: n }, (_, i) => selectShard(scenarios, { index: i + 1, total: n }).map((s) => s.file));
      const all = shards.flat();
      assert.equal(all.length, scenarios.length, `${n} shards`);
      assert.deepEqual([...all].sort(), scenarios.map((s) => s.file).sort(), `${n} shards cover every scenario once`);
      const reversed = [...scenarios].reverse();
      const again = Array.from({ length: n }, (_, i) =>
        selectShard(reversed, { index: i + 1, total: n })
          .map((s) => s.file)
          .sort(),
      );
      assert.deepEqual(
        again,
        shards.map((s) => [...s].sort()),
        `${n} shards: the input order does not matter`,
      );
      const heaviest = Math.max(...scenarios.map(expectedDurationMs));
      for (const files of shards) {
        const load = scenarios.filter((s) => files.includes(s.file)).reduce((t, s) => t + expectedDurationMs(s), 0);
        assert.ok(load <= total / n + heaviest, `${n} shards: a shard's load ${load} stays within a fair share plus one scenario`);
      }
    }
  });

  it("keeps a shard's scenarios in their given order", () => {
    const list = [fake('a', 1, 5), fake('b', 1, 5), fake('c', 1, 5), fake('d', 1, 5)];
    assert.deepEqual(
      selectShard(list, { index: 1, total: 2 }).map((s) => s.file),
      ['a', 'c'],
    );
  });

  it('refuses a shard that selects nothing while scenarios exist', () => {
    const list = [fake('a', 1, 5), fake('b', 1, 5)];
    assert.throws(() => selectShard(list, { index: 3, total: 3 }), /shard 3\/3 selects none of the 2 scenarios; use at most 2 shards/);
    assert.deepEqual(selectShard([], { index: 1, total: 1 }), []);
  });
});
