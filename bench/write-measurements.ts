// `make bench`, last step: reads runs/bench/<bench>.json for every bench and writes
// docs/measurements.md (a bench without a result here keeps its section of the page as it was,
// dated; one never measured says so).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_RESULTS_DIR, type BenchResult } from './bench-result.js';
import { BENCHES, measurementsMarkdown } from './measurements-markdown.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = new Map<string, BenchResult>();
for (const { bench } of BENCHES) {
  const file = path.join(BENCH_RESULTS_DIR, `${bench}.json`);
  try {
    results.set(bench, JSON.parse(await readFile(file, 'utf8')) as BenchResult);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`${file}: cannot read the bench result: ${(error as Error).message}`, { cause: error });
  }
}
const out = path.join(root, 'docs/measurements.md');
const previous = await readFile(out, 'utf8').catch(() => '');
await writeFile(out, measurementsMarkdown(results, previous));
process.stdout.write(`measurements: ${out} (${results.size} of ${BENCHES.length} benches measured)\n`);
