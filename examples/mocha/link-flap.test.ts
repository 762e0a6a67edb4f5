// A user's own mocha suite on failover-lab's API: it imports the package by name, as a project
// that depends on failover-lab would (here the package refers to itself, through package.json
// `exports`). It deploys a small lab and drives it, then runs one scenario file and asserts on
// its report. Paths are relative to the folder mocha runs in (the repository root under
// `make test`). README.md beside this file says how to run it.
import { strict as assert } from 'node:assert';
import { deployLab, destroyLab, failedChecks, runScenario, type ScenarioRun, type StartedLab } from 'failover-lab';

const TOPOLOGY = 'topologies/client-server.clab.yml';
const SCENARIO = 'scenarios/probe/link-flap.yml';

describe('example: a lab and a scenario from my own tests', function () {
  this.timeout(120_000);

  describe('a deployed lab', () => {
    let lab: StartedLab;
    before(async () => {
      lab = await deployLab(TOPOLOGY, { reconfigure: true });
    });
    // Whatever happened above: a lab left behind would block the next deploy of the same name.
    after(async () => {
      await destroyLab(TOPOLOGY);
    });

    it('carries traffic from the client to the server across its switch', async () => {
      const ping = await lab.exec('cli', ['ping', '-c', '2', '-W', '2', '198.18.5.2']);
      assert.equal(ping.exitCode, 0, ping.stdout + ping.stderr);
      assert.match(ping.stdout, /2 received/);
    });

    it('loses the path while the client link is down, and gets it back', async () => {
      await lab.execOk('cli', ['ip', 'link', 'set', 'eth1', 'down']);
      const cut = await lab.exec('cli', ['ping', '-c', '1', '-W', '1', '198.18.5.2']);
      await lab.execOk('cli', ['ip', 'link', 'set', 'eth1', 'up']);
      assert.notEqual(cut.exitCode, 0, 'a ping got through a link that was down');
      const back = await lab.exec('cli', ['ping', '-c', '1', '-W', '3', '198.18.5.2']);
      assert.equal(back.exitCode, 0, back.stdout + back.stderr);
    });
  });

  describe('scenarios/probe/link-flap.yml', () => {
    let run: ScenarioRun;
    before(async () => {
      // No reruns: an example should show a failure as it is, not retry it away.
      run = await runScenario(SCENARIO, { outDir: 'runs/examples', reruns: 0 });
    });

    it('passes every check of the file', () => {
      assert.deepEqual(failedChecks(run.report), [], `report: ${run.files.reportHtml}`);
      assert.equal(run.exitCode, 0);
    });

    it('kept every stream on its first connection through the 2 s flap, each with one gap of 2–3 s', () => {
      const [repeat] = run.report.repeats;
      assert.ok(repeat, 'one repeat ran');
      assert.equal(repeat.streams.length, 4);
      for (const s of repeat.streams) {
        assert.equal(s.connections, 1, `stream ${s.stream} reconnected`);
        assert.equal(s.bytesLost + s.bytesDuplicated + s.bytesCorrupt, 0);
        assert.ok(s.maxGapMs >= 2_000 && s.maxGapMs <= 3_100, `stream ${s.stream}: longest gap ${s.maxGapMs} ms`);
      }
    });

    it('saw no reset on the wire either (flows read from the capture)', () => {
      const flows = run.report.repeats[0]?.flows ?? [];
      assert.ok(flows.length >= 4, `only ${flows.length} flows captured`);
      assert.deepEqual(
        flows.filter((f) => f.resetMs !== undefined),
        [],
      );
    });
  });
});
