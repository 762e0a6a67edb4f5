// The instrument must be able to say no: a scenario whose check fails yields a failing
// verdict (what mocha shows), a report that says so, and keeps its pcaps for the post-mortem.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/common/logger.js';
import { silentProgress } from '../../src/common/progress.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { exitCodeOf, runScenario } from '../../src/orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../../src/orchestrator/scenario/parse-scenario.js';
import { LABEL } from '../../src/lab/labels.js';
import { cli, repoRoot } from '../helpers/lab-fixture.js';
import { assertRepeatPassed } from '../helpers/scenario-assert.js';

describe('a failing scenario (real containers)', function () {
  this.timeout(240_000);
  const file = path.join(repoRoot, 'test/fixtures/scenarios/failing-check.yml');

  it('fails its test, says why, keeps report and pcaps, and destroys its lab', async () => {
    const runtime = new DockerRuntime({ logger: silentLogger });
    const out = path.join(os.tmpdir(), `fl-failing-${process.pid}`);
    const ctx = { runtime, logger: silentLogger, progress: silentProgress() };
    const result = await runScenario(await parseScenarioFile(file), { ctx, outBase: out, reruns: 2 });
    const repeat = result.report.repeats[0]!;
    assert.equal(result.report.passed, false);
    assert.equal(result.report.flaky, undefined);
    assert.equal(exitCodeOf(result.report), 1);
    assert.deepEqual(
      repeat.failedAttempts?.map((a) => a.attempt),
      [1, 2],
      'it failed its two reruns too',
    );
    assert.throws(() => assertRepeatPassed(repeat, result.dir), /max-gap.*\n(.|\n)*report: /);
    const maxGap = repeat.checks.find((c) => c.name.startsWith('max-gap'))!;
    assert.equal(maxGap.valid, false);
    assert.equal(repeat.checks.find((c) => c.name.startsWith('bytes-lost'))!.valid, true);
    assert.deepEqual(repeat.pcaps.sort(), ['repeat-1/cli-eth1.pcap', 'repeat-1/srv-eth1.pcap']);
    for (const p of repeat.pcaps) assert.ok((await stat(path.join(result.dir, p))).size > 24, `${p} has packets`);
    const json = JSON.parse(await readFile(result.written.reportJson, 'utf8')) as { passed: boolean };
    assert.equal(json.passed, false);
    assert.match(await readFile(result.written.junitXml, 'utf8'), /<failure/);
    assert.ok(existsSync(result.written.reportHtml));
    assert.deepEqual(await runtime.listContainers({ [LABEL.lab]: 'client-server' }), []);
  });

  it('`failover-lab run` exits 1 when a check fails and 2 when the scenario cannot run', async () => {
    const failing = await cli(['run', file, '--reruns', '0', '--out', path.join(os.tmpdir(), `fl-failing-cli-${process.pid}`)]);
    assert.equal(failing.exitCode, 1, failing.stderr);
    assert.match(failing.stdout, /FAIL/);
    const broken = await cli(['run', path.join(repoRoot, 'test/fixtures/scenarios/missing-node.yml')]);
    assert.equal(broken.exitCode, 2);
    assert.match(broken.stderr, /missing-node\.yml:\d+:\d+: node 'ghost' is not in topology client-server/);
  });
});
