import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBench, type BenchResult } from '../../../bench/bench-result.js';
import { BENCHES, benchSection, measurementsMarkdown, seriesRow } from '../../../bench/measurements-markdown.js';

const result = (o: Partial<BenchResult> = {}): BenchResult => ({
  bench: 'deploy-bench',
  startedAt: '2026-12-04T17:50:12.000Z',
  finishedAt: '2026-12-04T17:51:00.000Z',
  machine: { cores: 2, cpu: 'Some CPU', kernel: '5.10.0-test', loadAverage: [1.5, 0.75, 0.25], node: '22.1.0' },
  method: 'Five deploys.',
  series: [{ label: 'deploy (total)', unit: 'ms', values: [2100, 1900, 2000, 2500, 1800], target: '< 3 s' }],
  notes: [],
  ...o,
});

describe('docs/measurements.md generator', () => {
  it('gives each figure its median, min–max and p5–p95 over the values, and its target', () => {
    assert.equal(
      seriesRow({ label: 'deploy (total)', unit: 'ms', values: [2100, 1900, 2000, 2500, 1800], target: '< 3 s' }),
      '| deploy (total) | ms | 2,000 | 1,800 – 2,500 | 1,820 – 2,420 | 5 | < 3 s |',
    );
  });
  it('leaves p5–p95 out below five values, and keeps small figures readable', () => {
    assert.equal(seriesRow({ label: 'ratio', unit: '', values: [0.912, 0.95] }), '| ratio |  | 0.93 | 0.91 – 0.95 | – | 2 |  |');
  });
  it('shows whole values without decimals and fractions with the digits their size deserves', () => {
    assert.equal(seriesRow({ label: 'resets', unit: 'per repeat', values: [0, 4, 0] }), '| resets | per repeat | 0 | 0 – 4 | – | 3 |  |');
    assert.equal(seriesRow({ label: 'gap', unit: 'ms', values: [25, 26, 90.44] }), '| gap | ms | 26 | 25 – 90.4 | – | 3 |  |');
  });
  it('shows an empty series as dashes rather than NaN or Infinity', () => {
    assert.equal(seriesRow({ label: 'x', unit: 'ms', values: [] }), '| x | ms | – | – | – | 0 |  |');
  });
  it('keeps a label with a pipe or a newline inside its cell', () => {
    assert.match(seriesRow({ label: 'a|b\nc', unit: 'ms', values: [1] }), /^\| a\\\|b c \| ms \|/);
  });
  it('says when and on what machine a bench ran, load average included', () => {
    const md = benchSection(BENCHES[0]!, result());
    assert.match(md, /^## Deploy and destroy/);
    assert.match(
      md,
      /Measured 2026-12-04 17:50 UTC on 2 cores \(Some CPU\), Linux 5\.10\.0-test, Node 22\.1\.0; load average at start 1\.50 \/ 0\.75/,
    );
    assert.match(md, /\| deploy \(total\) \| ms \| 2,000 \|/);
  });
  it('says "not measured yet" for a bench that has no result and no earlier section', () => {
    const md = measurementsMarkdown(new Map([['deploy-bench', result()]]));
    for (const b of BENCHES.slice(1))
      assert.match(md, new RegExp(`## ${b.title}\\n\\n\`${b.command}\`\\n\\nNot measured yet on this machine\\.`));
    assert.equal(md.match(/Not measured yet/g)?.length, BENCHES.length - 1);
    assert.deepEqual(
      BENCHES.map((b) => md.indexOf(`## ${b.title}`)).every((i, k, a) => i > (a[k - 1] ?? -1)),
      true,
    );
  });
  it('keeps the dated section of a bench whose result is not on this checkout; a fresh result replaces it', () => {
    const earlier = measurementsMarkdown(new Map([['deploy-bench', result()]]));
    const later = measurementsMarkdown(new Map([['probe-throughput', result({ bench: 'probe-throughput' })]]), earlier);
    assert.match(later, /## Deploy and destroy a 10-node lab\n\n`node dist\/bench\/deploy-bench\.js`\n\nMeasured 2026-12-04 17:50 UTC/);
    assert.match(later, /## Probe throughput, one verified stream\n\n`[^`]+`\n\nMeasured 2026-12-04 17:50 UTC/);
    assert.equal(later.match(/Not measured yet/g)?.length, BENCHES.length - 2);
    const rerun = measurementsMarkdown(new Map([['deploy-bench', result({ startedAt: '2026-12-07T10:00:00.000Z' })]]), later);
    assert.match(rerun, /## Deploy and destroy a 10-node lab\n\n`[^`]+`\n\nMeasured 2026-12-07 10:00 UTC/);
    assert.doesNotMatch(rerun, /## Deploy and destroy[^#]*Measured 2026-12-04/);
    assert.equal(rerun.match(/^## /gm)?.length, BENCHES.length);
  });
  it('a bench records the machine at its start and writes runs/bench/<name>.json', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fl-bench-'));
    try {
      const r = startBench('probe-throughput', 'One stream.', dir);
      r.add('lab', 'MB/s', [600, 650]);
      r.note('ok');
      const written = JSON.parse(await readFile(await r.write(), 'utf8')) as BenchResult;
      assert.equal(written.bench, 'probe-throughput');
      assert.deepEqual(written.series, [{ label: 'lab', unit: 'MB/s', values: [600, 650] }]);
      assert.ok(written.machine.cores >= 1 && written.machine.loadAverage.length === 3 && written.machine.kernel.length > 0);
      assert.ok(Date.parse(written.startedAt) <= Date.parse(written.finishedAt));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
