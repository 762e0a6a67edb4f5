// A deploy that dies half-way must leave nothing that `destroy` cannot remove, and a deploy
// that cannot succeed (missing image) must create nothing at all.
import { strict as assert } from 'node:assert';
import { execa } from 'execa';
import path from 'node:path';
import { Lab } from '../../src/lab/lab.js';
import { cli, hostVeths, leftovers, loadTopology, nothingLeft, repoRoot, testContext, waitFor } from '../helpers/lab-fixture.js';

const SLOW = 'test/fixtures/topologies/slow-exec.clab.yml';

describe('interrupted and impossible deploys (real containers)', function () {
  this.timeout(60_000);
  const ctx = testContext();

  const startDeploy = () =>
    execa('node', [path.join(repoRoot, 'bin/failover-lab.js'), 'deploy', '-t', SLOW], { cwd: repoRoot, reject: false });

  /** Waits until the deploy is in its exec phase: all nodes up and node a's link wired. */
  const waitUntilHalfWay = () =>
    waitFor('the deploy to reach its exec phase', async () => {
      const running = (await ctx.runtime.listContainers({ containerlab: 'fl-slow' })).filter((c) => c.status === 'running');
      if (running.length < 3) return false;
      const r = await ctx.runtime.exec('clab-fl-slow-a', ['ip', 'link', 'show', 'eth1']).catch(() => undefined);
      return r?.exitCode === 0;
    });

  beforeEach(async () => {
    await new Lab(await loadTopology(SLOW), ctx).destroy();
  });

  it('a deploy killed with SIGKILL half-way is removed completely by destroy', async () => {
    const veths = await hostVeths();
    const deploy = startDeploy();
    await waitUntilHalfWay();
    assert.equal(deploy.exitCode, null, 'the deploy is still running when killed');
    deploy.kill('SIGKILL');
    await deploy;
    assert.equal((await leftovers(ctx, 'fl-slow', 'fl-slow')).containers.length, 3, 'the killed deploy left its containers');
    const destroyed = await cli(['destroy', '-t', SLOW]);
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(ctx, 'fl-slow', 'fl-slow'), nothingLeft);
    assert.deepEqual(await hostVeths(), veths);
  });

  it('a deploy interrupted with SIGINT cleans up after itself and exits non-zero', async () => {
    const deploy = startDeploy();
    await waitUntilHalfWay();
    const started = Date.now();
    deploy.kill('SIGINT');
    const result = await deploy;
    assert.notEqual(result.exitCode, 0);
    assert.ok(Date.now() - started < 15_000, 'did not wait for the 30 s exec');
    assert.match(result.stderr, /interrupted/);
    assert.deepEqual(await leftovers(ctx, 'fl-slow', 'fl-slow'), nothingLeft);
  });

  it('a topology whose image is missing fails before creating anything', async () => {
    const result = await cli(['deploy', '-t', 'test/fixtures/topologies/missing-image.clab.yml']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /image not found in the engine: failover-lab\/does-not-exist:0 \(nodes b\)/);
    assert.match(result.stderr, /make images/);
    assert.deepEqual(await leftovers(ctx, 'fl-noimage', 'fl-noimage'), nothingLeft);
  });
});
