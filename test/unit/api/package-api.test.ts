// The package's public surface as a user imports it: by name, through package.json `exports`
// (the package refers to itself), with the compiled declarations beside the code. Bad input
// must be refused before anything touches the engine, so these run without Docker.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as api from 'failover-lab';
import { InputFileError, ScenarioError, TopologyError, runScenario, deployLab } from 'failover-lab';
import { repoRoot } from '../../helpers/repo-root.js';

describe("the package API (import … from 'failover-lab')", () => {
  it('exports the functions and error classes docs/api.md lists, and nothing else that runs', () => {
    const values = Object.keys(api).sort();
    assert.deepEqual(values, [
      'InputFileError',
      'ScenarioError',
      'TestbedError',
      'TopologyError',
      'deployLab',
      'destroyAllLabs',
      'destroyLab',
      'failedChecks',
      'runScenario',
    ]);
  });

  it('points `exports` and `types` at files the build wrote', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      types: string;
      exports: { '.': { types: string; default: string } };
    };
    for (const file of [pkg.types, pkg.exports['.'].types, pkg.exports['.'].default]) {
      assert.ok(existsSync(path.join(repoRoot, file)), `${file} does not exist`);
    }
  });

  it('runScenario refuses a scenario naming a node its topology lacks, with file and line, before deploying', async () => {
    const file = path.join(repoRoot, 'test/fixtures/scenarios/missing-node.yml');
    await assert.rejects(runScenario(file), (error: unknown) => {
      assert.ok(error instanceof InputFileError, String(error));
      assert.match(error.message, /missing-node\.yml:\d+:\d+: node 'ghost' is not in topology client-server/);
      return true;
    });
  });

  it('runScenario names a scenario file that does not exist', async () => {
    await assert.rejects(runScenario('no/such/scenario.yml'), /no\/such\/scenario\.yml/);
  });

  it('deployLab refuses a bad topology with a TopologyError at its line, before deploying', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'fl-api-')), 'bad.clab.yml');
    await writeFile(file, 'name: fl-api-bad\ntopology:\n  nodes:\n    a:\n      kind: srl\n      image: x\n');
    await assert.rejects(deployLab(file), (error: unknown) => {
      assert.ok(error instanceof TopologyError, String(error));
      assert.match(error.message, /bad\.clab\.yml:5:13: kind 'srl' is not supported; supported kinds: linux/);
      return true;
    });
  });

  it('exports ScenarioError as the class scenario input errors are made of', () => {
    assert.ok(new ScenarioError({ file: 'f.yml', line: 2, column: 3 }, 'x') instanceof InputFileError);
  });
});
