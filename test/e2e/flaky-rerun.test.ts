// A repeat that fails once and passes its rerun is FLAKY, not hidden: on real containers, with
// a fixture whose first attempt leaves a marker in a host folder and fails a check because of it.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/common/logger.js';
import { silentProgress } from '../../src/common/progress.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { exitCodeOf, runScenario } from '../../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../../src/orchestrator/scenario/parse-scenario.js';
import { cli, repoRoot } from '../helpers/lab-fixture.js';
import { assertRepeatPassed, markIfFlaky } from '../helpers/scenario-assert.js';

describe('a scenario that fails its first attempt (real containers)', function () {
  this.timeout(180_000);
  const file = path.join(repoRoot, 'test/fixtures/scenarios/fails-first-attempt.yml');
  const temp: string[] = [];
  const tempDir = (name: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `fl-${name}-`));
    temp.push(dir);
    return dir;
  };
  after(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes on its rerun, flagged FLAKY in report.json, JUnit and report.html, the failed attempt kept', async function () {
    const marker = tempDir('marker');
    const scenario = await parseScenarioFile(file, { ...process.env, FAILOVER_LAB_MARKER_DIR: marker });
    const ctx = { runtime: new DockerRuntime({ logger: silentLogger }), logger: silentLogger, progress: silentProgress() };
    const result = await runScenario(scenario, { ctx, outBase: tempDir('flaky-out'), reruns: 2 });
    const repeat = result.report.repeats[0]!;
    assertRepeatPassed(repeat, result.dir);
    assert.equal(result.report.flaky, true);
    assert.equal(exitCodeOf(result.report), 0);
    const failed = repeat.failedAttempts ?? [];
    assert.equal(failed.length, 1, 'one failed attempt, then a pass');
    assert.deepEqual(
      failed[0]!.failing.map((c) => c.name),
      ['not the first attempt'],
    );
    const attemptDir = path.join(result.dir, failed[0]!.dir);
    assert.ok(existsSync(path.join(attemptDir, 'report.html')), 'the failed attempt has its own report');
    assert.ok(existsSync(path.join(attemptDir, 'repeat-1/history.jsonl')));
    assert.ok(existsSync(path.join(attemptDir, 'repeat-1/cli-eth1.pcap')), 'the failed attempt keeps its pcap');
    assert.deepEqual(repeat.pcaps, [], 'the passing attempt drops its pcap as usual');
    const junit = await readFile(result.written.junitXml, 'utf8');
    assert.match(junit, /<flakyFailure message="attempt 1 of repeat #1 failed: not the first attempt/);
    assert.match(await readFile(result.written.reportHtml, 'utf8'), />FLAKY<\/span>/);
    markIfFlaky(this.test, scenario.name, repeat);
  });

  it('fails when it has no rerun left (`run --reruns 0` exits 1)', async () => {
    const env = { FAILOVER_LAB_MARKER_DIR: tempDir('marker0') };
    const r = await cli(['run', file, '--reruns', '0', '--out', tempDir('flaky-cli')], { env });
    assert.equal(r.exitCode, 1, r.stderr);
    assert.match(r.stdout, /FAIL/);
    assert.match(r.stdout, /✖ not the first attempt/);
  });
});
