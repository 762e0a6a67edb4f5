// Bad apps and workloads on the real engine, through the package API as a user meets them: an
// app image that does not exist, an app whose wait never succeeds, a command workload whose
// program does not exist, a workload kind that does not exist. Each must end in an error that
// names the scenario file (and the line, where the input is at fault), within a bounded time,
// and leave nothing behind: no container with the lab's label, no app container.
import { strict as assert } from 'node:assert';
import os from 'node:os';
import path from 'node:path';
import { InputFileError, runScenario, type ScenarioRun } from 'failover-lab';
import { silentLogger } from '../../src/common/logger.js';
import { LABEL } from '../../src/lab/labels.js';
import { Lab } from '../../src/lab/lab.js';
import { loadTopology, repoRoot, testContext } from '../helpers/lab-fixture.js';

const LAB = 'client-server';

describe('bad apps and workloads (real containers)', function () {
  this.timeout(120_000);
  const ctx = testContext();
  const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/scenarios', name);
  const run = (name: string): Promise<ScenarioRun> =>
    runScenario(fixture(name), { logger: silentLogger, outDir: path.join(os.tmpdir(), `fl-bad-input-${process.pid}`), reruns: 0 });

  /** Everything of the lab still in the engine: its nodes and app containers (which carry its label), and any app container at all. */
  const leftBehind = async (): Promise<string[]> => {
    const ofLab = await ctx.runtime.listContainers({ [LABEL.lab]: LAB });
    const apps = await ctx.runtime.listContainers({ [LABEL.app]: true });
    const byName = await ctx.runtime.inspectContainer(`clab-${LAB}-srv-app-web`);
    return [...new Set([...ofLab, ...apps].map((c) => c.name).concat(byName ? [`clab-${LAB}-srv-app-web`] : []))].sort();
  };

  /** The single repeat's error, after checking the run could not run (exit code 2) and failed. */
  const errorOf = (result: ScenarioRun): string => {
    assert.equal(result.report.passed, false);
    assert.equal(result.exitCode, 2, 'the scenario could not run');
    return result.report.repeats[0]?.error ?? '';
  };

  // A clean engine first: a lab of the same name left by another test would hide a leftover.
  beforeEach(async () => {
    await new Lab(await loadTopology('topologies/client-server.clab.yml'), ctx).destroy();
  });

  it('an app image that does not exist: the file and its image line, nothing pulled, nothing left', async () => {
    const error = errorOf(await run('app-image-missing.yml'));
    assert.match(
      error,
      /app-image-missing\.yml:10:\d+: app 'web': image 'failover-lab\/does-not-exist:0' is not in the engine; build or load it first \(nothing is pulled/,
    );
    assert.deepEqual(await leftBehind(), []);
  });

  it('an app whose wait never succeeds: bounded by its startupTimeout, the file and its wait line, its container removed', async () => {
    const started = Date.now();
    const error = errorOf(await run('app-never-ready.yml'));
    assert.match(
      error,
      /app-never-ready\.yml:12:\d+: app 'web' \(failover-lab\/base:bookworm on srv\) did not become ready \(port 8080 listening\) within 2 s/,
    );
    assert.match(error, /its output is in app-web\.log/);
    assert.ok(Date.now() - started < 60_000, `the run took ${Date.now() - started} ms`);
    assert.deepEqual(await leftBehind(), []);
  });

  it('a command workload whose program does not exist: the file, workload and node, nothing left', async () => {
    const error = errorOf(await run('command-missing.yml'));
    assert.match(error, /command-missing\.yml: workloads\[0\] \(fetch\) client\.run: command 'curlx' does not exist on node cli/);
    assert.deepEqual(await leftBehind(), []);
  });

  it('a workload kind that does not exist: refused with file, line and the kinds there are, before anything is deployed', async () => {
    await assert.rejects(run('workload-unknown-kind.yml'), (error: unknown) => {
      assert.ok(error instanceof InputFileError, String(error));
      assert.match(
        error.message,
        /workload-unknown-kind\.yml:7:11: workloads\[0\]\.kind: unknown workload kind; supported: probe, ssh, command/,
      );
      return true;
    });
    assert.deepEqual(await leftBehind(), []);
  });
});
