// Every scenario file under scenarios/ is a mocha suite and every repeat of it a test
// (`make e2e`). Each run's report, histories and kept pcaps land in runs/<scenario>/…, and
// its JUnit file is copied to runs/junit/ for CI.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger } from '../../src/common/logger.js';
import { silentProgress } from '../../src/common/progress.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import type { RunResult } from '../../src/orchestrator/runner/run-scenario.js';
import { runScenario } from '../../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile, type Scenario } from '../../src/orchestrator/scenario/parse-scenario.js';
import { repoRoot } from '../helpers/repo-root.js';
import { assertRepeatPassed, markIfFlaky } from '../helpers/scenario-assert.js';

const scenarioFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? scenarioFiles(full) : Promise.resolve(/\.ya?ml$/.test(e.name) ? [full] : []);
  }));
  return nested.flat().sort();
};

const scenarios: Scenario[] = await Promise.all((await scenarioFiles(path.join(repoRoot, 'scenarios'))).map((f) => parseScenarioFile(f)));
const runsDir = path.join(repoRoot, 'runs');

describe('scenarios (real containers)', function () {
  for (const scenario of scenarios) {
    describe(`${scenario.name} — ${path.relative(repoRoot, scenario.file)}`, function () {
      const longest = Math.max(...scenario.workloads.map((w) => w.duration));
      this.timeout(scenario.repeat * (longest + 60_000));
      let result: RunResult;

      before(async () => {
        const ctx = { runtime: new DockerRuntime({ logger: silentLogger }), logger: silentLogger, progress: silentProgress() };
        result = await runScenario(scenario, { ctx, outBase: runsDir });
        await mkdir(path.join(runsDir, 'junit'), { recursive: true });
        await copyFile(result.written.junitXml, path.join(runsDir, 'junit', `${scenario.name}.xml`));
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
