import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { benchFiguresHtml, readBenchResult, seriesSummary, type BenchResult } from '../../../../src/orchestrator/report/bench-figures.js';
import { comparisonHtml } from '../../../../src/orchestrator/report/comparison.js';

const result: BenchResult = {
  bench: 'redirector-bench',
  startedAt: '2026-12-07T05:52:39.000Z',
  finishedAt: '2026-12-07T05:58:00.000Z',
  machine: { cores: 2, cpu: 'AMD EPYC', kernel: '6.18.0', loadAverage: [3.06, 2.53, 3.25], node: '20.19.0' },
  method: 'ab from cl1 and cl2 at once <through> each front end.',
  series: [
    { label: 'redirector ÷ HAProxy new connections, per round', unit: 'ratio', values: [1.34, 1.21, 1.26, 1.25, 1.3], target: '> 1' },
    { label: 'not measured', unit: 'ms', values: [] },
  ],
  notes: ['a note'],
};

describe('comparison: a bench beside the runs (compare --bench)', () => {
  it('summarises each figure as median, min – max and n, with its target', () => {
    assert.deepEqual(seriesSummary(result.series[0]!), {
      label: 'redirector ÷ HAProxy new connections, per round',
      unit: 'ratio',
      n: 5,
      spread: { median: 1.26, min: 1.21, max: 1.34 },
      target: '> 1',
    });
    assert.deepEqual(seriesSummary(result.series[1]!), { label: 'not measured', unit: 'ms', n: 0 });
    const html = benchFiguresHtml(result);
    assert.match(html, /<h2>Bench: redirector-bench<\/h2>/);
    assert.match(html, /2026-12-07 05:52 UTC on 2 cores \(AMD EPYC\).*load average at start 3\.06 \/ 2\.53 \/ 3\.25/);
    assert.match(html, /&lt;through&gt;/, 'the method is escaped');
    assert.match(html, /<td[^>]*>1\.3<\/td><td[^>]*>1\.2 – 1\.3<\/td><td[^>]*>5<\/td><td>&gt; 1<\/td>/);
    assert.ok(comparisonHtml([], [result]).includes('<h2>Bench: redirector-bench</h2>'));
    assert.ok(!comparisonHtml([]).includes('Bench:'), 'no bench, no section');
  });

  it('reads a result file; a missing file, bad JSON or a wrong field is named', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-figures-'));
    try {
      const good = path.join(dir, 'good.json');
      await writeFile(good, JSON.stringify(result));
      assert.deepEqual(await readBenchResult(good), result);
      await assert.rejects(
        readBenchResult(path.join(dir, 'none.json')),
        /none\.json: cannot read it \(.*ENOENT.*\); `make bench` writes runs\/bench/,
      );
      const bad = path.join(dir, 'bad.json');
      await writeFile(bad, '{"bench": ');
      await assert.rejects(readBenchResult(bad), /bad\.json: not JSON: /);
      await writeFile(bad, JSON.stringify({ ...result, series: [{ label: 'x', unit: 'ms', values: ['1'] }] }));
      await assert.rejects(readBenchResult(bad), /bad\.json: not a bench result: series\.0\.values\.0: Expected number, received string/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
