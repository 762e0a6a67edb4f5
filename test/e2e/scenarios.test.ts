// Every scenario file under scenarios/ is a mocha suite and every repeat of it a test
// (`make e2e`; with SHARD=i/n only shard i of n, see src/orchestrator/runner/shard.ts). Each
// run's report, histories and kept pcaps land in runs/<scenario>/…, and its JUnit file is
// copied to runs/junit/ for CI (named <scenario>.shard-i-of-n.xml on a shard). No scenario
// folder, no scenario in it, or a shard that selects none is an error, never a green run.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger } from '../../src/common/logger.js';
import { silentProgress } from '../../src/common/progress.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { RERUNS_ENV, resolveReruns } from '../../src/orchestrator/runner/rerun-policy.js';
import type { RunResult } from '../../src/orchestrator/runner/run-scenario.js';
import { runScenario } from '../../src/orchestrator/runner/run-scenario.js';
import { findScenarioFiles } from '../../src/orchestrator/runner/scenario-files.js';
import { parseShard, selectShard, SHARD_ENV, shardLabel } from '../../src/orchestrator/runner/shard.js';
import { parseScenarioFile, workloadMs, type Scenario } from '../../src/orchestrator/scenario/parse-scenario.js';
import { repoRoot } from '../helpers/repo-root.js';
import { assertRepeatPassed, markIfFlaky } from '../helpers/scenario-assert.js';

const all: Scenario[] = await Promise.all((await findScenarioFiles([path.join(repoRoot, 'scenarios')])).map((f) => parseScenarioFile(f)));
const shardSpec = process.env[SHARD_ENV]?.trim();
const shard = shardSpec ? parseShard(shardSpec, SHARD_ENV) : undefined;
const scenarios = shard ? selectShard(all, shard) : all;
const runsDir = path.join(repoRoot, 'runs');

describe(`scenarios (real containers)${shard ? `, ${shardLabel(shard)}: ${scenarios.length} of ${all.length}` : ''}`, function () {
  for (const scenario of scenarios) {
    describe(`${scenario.name} — ${path.relative(repoRoot, scenario.file)}`, function () {
      const longest = Math.max(...scenario.workloads.map(workloadMs));
      const reruns = resolveReruns({
        env: process.env[RERUNS_ENV],
        ...(scenario.reruns !== undefined ? { scenario: scenario.reruns } : {}),
      });
      this.timeout((reruns + 1) * scenario.repeat * (longest + 60_000));
      let result: RunResult;

      before(async () => {
        const ctx = { runtime: new DockerRuntime({ logger: silentLogger }), logger: silentLogger, progress: silentProgress() };
        result = await runScenario(scenario, { ctx, outBase: runsDir });
        await mkdir(path.join(runsDir, 'junit'), { recursive: true });
        await copyFile(result.written.junitXml, path.join(runsDir, 'junit', `${scenario.name}${shard ? `.${shardLabel(shard)}` : ''}.xml`));
      });

      for (let index = 1; index <= scenario.repeat; index++) {
        it(`repeat #${index}`, function () {
          const repeat = result.report.repeats[index - 1];
          if (!repeat) throw new Error(`repeat ${index} did not run`);
          assertRepeatPassed(repeat, result.dir);
          markIfFlaky(this.test, scenario.name, repeat);
        });
      }
    });
  }
});
