// `make e2e SHARD=i/n`: prints the e2e test files shard i runs, one per line. scenarios.test.js
// runs on every shard (it picks its own scenarios from FAILOVER_LAB_SHARD); the other files are
// dealt out in name order, so n machines together run each e2e file once. A bad spec exits 2.
// Folders after the spec add their files to the deal (the API example of examples/mocha/).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../src/common/errors.js';
import { assignShards, parseShard } from '../../src/orchestrator/runner/shard.js';

export const SCENARIO_SUITE = 'scenarios.test.js';

const isSuite = (file: string): boolean => path.basename(file) === SCENARIO_SUITE;

/** The files of shard `spec` among `files` (base names or paths), in name order. */
export const e2eFilesOfShard = (files: readonly string[], spec: string): string[] => {
  const shard = parseShard(spec, 'SHARD');
  const others = files.filter((f) => !isSuite(f)).sort();
  const shards = assignShards(
    others.map((key) => ({ key, weightMs: 1 })),
    shard.total,
  );
  return [...files.filter(isSuite), ...others.filter((_, i) => shards[i] === shard.index)];
};

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname;
if (isMain) {
  const dirs = [process.argv[2] ?? 'dist/test/e2e', ...process.argv.slice(4)];
  try {
    const files = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.test.js'))
        .map((f) => path.join(dir, f)),
    );
    for (const f of e2eFilesOfShard(files, process.argv[3] ?? '')) console.log(f);
  } catch (error) {
    console.error(`make e2e: ${errorMessage(error)}`);
    process.exit(2);
  }
}
