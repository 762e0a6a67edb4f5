// Bad command workloads on real containers: a program the node does not have, and a server
// that never becomes ready. Each repeat must stop with a message naming what and where, and
// leave no lab and no process behind. (The working kinds are e2e-tested by scenarios/apps/.)
import { strict as assert } from 'node:assert';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/common/logger.js';
import { silentProgress } from '../../src/common/progress.js';
import { LABEL } from '../../src/lab/labels.js';
import { runScenario } from '../../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../../src/orchestrator/scenario/parse-scenario.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { repoRoot } from '../helpers/lab-fixture.js';

describe('bad command workloads (real containers)', function () {
  this.timeout(180_000);
  const runtime = new DockerRuntime({ logger: silentLogger });
  const ctx = { runtime, logger: silentLogger, progress: silentProgress() };
  const run = async (fixture: string) => {
    const file = path.join(repoRoot, 'test/fixtures/scenarios', fixture);
    const out = path.join(os.tmpdir(), `fl-${fixture}-${process.pid}`);
    return runScenario(await parseScenarioFile(file), { ctx, outBase: out, reruns: 0 });
  };

  it('refuses a command that does not exist in its node, and leaves nothing behind', async () => {
    const result = await run('command-missing.yml');
    const repeat = result.report.repeats[0]!;
    assert.equal(result.report.passed, false);
    assert.match(
      repeat.error ?? '',
      /command-missing\.yml: workloads\[0\] \(fetch\) client\.run: command 'curlx' does not exist on node cli/,
    );
    assert.deepEqual(await runtime.listContainers({ [LABEL.lab]: 'client-server' }), []);
  });

  it('fails a server that never listens within its bounded wait, and leaves nothing behind', async () => {
    const started = Date.now();
    const result = await run('command-never-ready.yml');
    const repeat = result.report.repeats[0]!;
    assert.equal(result.report.passed, false);
    assert.match(repeat.error ?? '', /the server command of workload 'web' on srv to listen on port 8080/);
    assert.ok(Date.now() - started < 60_000, 'the wait was bounded');
    assert.deepEqual(await runtime.listContainers({ [LABEL.lab]: 'client-server' }), []);
  });
});
