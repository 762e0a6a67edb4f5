import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseScenarioText } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { catalogEntries, catalogOfRepo, SCENARIO_FOLDERS } from '../../../../src/orchestrator/scenario/scenario-catalog-files.js';
import { catalogMarkdown, catalogRow, describeChecks } from '../../../../src/orchestrator/scenario/scenario-catalog.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const file = path.join(repoRoot, 'scenarios/x/test.yml');
const scenarioText = (extra: string) => `name: demo
description: "a | b"
topology: ../../topologies/client-server.clab.yml
expect: session
workloads:
  - server: { node: srv, listen: "198.18.5.2:7000" }
    client: { node: cli, connect: "198.18.5.2:7000" }
    duration: 5s
schedule:
  - { at: 2s, fault: link-flap, node: cli, iface: eth1, down: 2s }
  - { at: [1s, 3s], fault: partition, from: [cli], to: [srv], oneWay: true, protocol: tcp, port: 7000, duration: 500ms }
${extra}`;

const yamlFilesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? yamlFilesUnder(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))),
  );
  return nested.flat().filter((f) => /\.ya?ml$/.test(f));
};

describe('scenario catalog (docs/scenarios.md)', () => {
  it('the committed docs/scenarios.md is what `make docs` generates from the current scenario files', async () => {
    const committed = await readFile(path.join(repoRoot, 'docs/scenarios.md'), 'utf8');
    assert.equal(committed, await catalogOfRepo(repoRoot), 'docs/scenarios.md is stale: run `make docs` and commit it');
  });

  it('lists every scenario file under the scenario folders, each once', async () => {
    const files = (await Promise.all(SCENARIO_FOLDERS.map((f) => yamlFilesUnder(path.join(repoRoot, f))))).flat();
    assert.ok(files.length >= 20, `only ${files.length} scenario files found`);
    const page = await catalogOfRepo(repoRoot);
    for (const f of files) {
      const rel = path.relative(repoRoot, f).split(path.sep).join('/');
      assert.equal(page.split(`| \`${rel}\` |`).length - 1, 1, `${rel} is not listed exactly once`);
    }
  });

  it('refuses a repository without its scenario folders instead of listing nothing', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'catalog-'));
    try {
      await assert.rejects(catalogEntries(empty), /ENOENT/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('renders the schedule in words with fault ids, and each check with its bound', async () => {
    const s = await parseScenarioText(
      scenarioText(`checks:
  maxGapMs: 350
  gapBeyondDetection: { detection: { kind: daemon, node: s2, event: mode, where: { to: ACTIVE } }, maxMs: 20, percentile: 95 }
  gapPercentile: { workload: main, percentile: 95, maxMs: 100, since: command-1 }
  reconnects: { min: 1, max: 1 }
  resets: 0
  stallDetectedWithinMs: 1300
  invariants:
    - { name: s2 took over, count: { kind: daemon, event: mode }, min: 1 }
    - { name: no rollback, never: { kind: daemon, event: rollback } }
`),
      file,
    );
    const row = catalogRow({ file: 'scenarios/x/test.yml', scenario: s });
    assert.ok(row.startsWith('| **demo** — a \\| b | `scenarios/x/test.yml` | session | '), row);
    assert.ok(
      row.includes(
        'link-flap-1 at 2 s: link flap cli:eth1, down 2 s<br>' +
          'partition-2 at a seeded time in 1 s–3 s: partition cli → srv (tcp 7000 only), for 500 ms |',
      ),
      row,
    );
    assert.deepEqual(describeChecks(s.checks), [
      "every stream's longest gap ≤ 350 ms",
      "p95 of the streams' longest gaps (workload main, since command-1) ≤ 100 ms",
      'p95 of the streams: gap − detection ≤ 20 ms (detection: daemon on s2 mode (to=ACTIVE))',
      'stall detected ≤ 1.3 s after the fault',
      'resets = 0 per stream',
      'reconnects = 1 per stream',
      's2 took over: count ≥ 1',
      'never: no rollback',
    ]);
  });

  it('says so when a scenario has no fault, and groups rows by folder in file order', async () => {
    const quiet = await parseScenarioText(scenarioText('checks: { bytesLost: 0 }').replace(/schedule:[\s\S]*?(?=checks:)/, ''), file);
    const page = catalogMarkdown([
      { file: 'scenarios/b/two.yml', scenario: quiet },
      { file: 'scenarios/a/one.yml', scenario: quiet },
    ]);
    assert.ok(page.indexOf('## scenarios/a') < page.indexOf('## scenarios/b'), page);
    assert.match(page, /\| `scenarios\/a\/one.yml` \| session \| no fault \| bytes lost = 0 per stream \|/);
  });
});
