import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunOptionError } from '../../../../src/orchestrator/runner/run-option-error.js';
import { findScenarioFiles } from '../../../../src/orchestrator/runner/scenario-files.js';

describe('scenario discovery', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'fl-scenario-files-'));
    for (const rel of ['s/b/two.yaml', 's/a/one.yml', 's/a/notes.md', 'empty/sub/readme.txt', 'single.yml']) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), '');
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds *.yml and *.yaml under a folder, sorted, and takes files as given without duplicates', async () => {
    const found = await findScenarioFiles([path.join(root, 's'), path.join(root, 'single.yml'), path.join(root, 's/a/one.yml')]);
    assert.deepEqual(
      found.map((f) => path.relative(root, f)),
      ['s/a/one.yml', 's/b/two.yaml', 'single.yml'],
    );
  });

  it('throws on a missing folder (the e2e suite must not go green with zero suites)', async () => {
    await assert.rejects(
      findScenarioFiles([path.join(root, 'scenarios')]),
      (e: unknown) => e instanceof RunOptionError && /scenario path .*scenarios does not exist/.test(e.message),
    );
  });

  it('throws on a folder without scenarios, and on no path at all', async () => {
    await assert.rejects(findScenarioFiles([path.join(root, 'empty')]), /holds no scenario file \(\*\.yml, \*\.yaml\)/);
    await assert.rejects(findScenarioFiles([]), /no scenario file or folder given/);
  });
});
