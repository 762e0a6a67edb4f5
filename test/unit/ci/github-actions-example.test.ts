// examples/ci/github-actions.yml is meant to be copied: it must stay a workflow that runs every
// shard once, with make targets and CLI commands that exist.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { buildProgram } from '../../../src/cli/main.js';
import { repoRoot } from '../../helpers/repo-root.js';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string;
  strategy?: { matrix: { shard: number[] } };
  steps: Step[];
}

const workflow = parse(readFileSync(path.join(repoRoot, 'examples/ci/github-actions.yml'), 'utf8')) as { jobs: Record<string, Job> };
const makefile = readFileSync(path.join(repoRoot, 'Makefile'), 'utf8');
const targets = new Set([...makefile.matchAll(/^([a-z][a-z0-9-]*):/gm)].map((m) => m[1]!));
const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));

describe('the example GitHub Actions workflow (examples/ci/github-actions.yml)', () => {
  const e2e = workflow.jobs.e2e!;

  it('runs on ubuntu-latest, e2e after the unit tests', () => {
    for (const job of Object.values(workflow.jobs)) assert.equal(job['runs-on'], 'ubuntu-latest');
    assert.equal(e2e.needs, 'unit');
  });

  it('its shard matrix is 1..n and every shard step says n', () => {
    const shards = e2e.strategy?.matrix.shard ?? [];
    const n = shards.length;
    assert.ok(n >= 2, 'a matrix of at least 2 shards');
    assert.deepEqual(
      shards,
      Array.from({ length: n }, (_, i) => i + 1),
    );
    const e2eRuns = e2e.steps.filter((s) => s.run?.includes('make e2e'));
    assert.equal(e2eRuns.length, 1);
    assert.match(e2eRuns[0]!.run!, new RegExp(`make e2e SHARD=\\$\\{\\{ matrix\\.shard \\}\\}/${n}( |$)`));
    for (const s of e2e.steps) {
      for (const m of JSON.stringify(s).matchAll(/-of-(\d+)|of (\d+)"/g)) assert.equal(Number(m[1] ?? m[2]), n, JSON.stringify(s));
    }
  });

  it('uploads each shard’s JUnit files, and names them by shard', () => {
    const junit = e2e.steps.find((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.path?.trim() === 'runs/junit/');
    assert.ok(junit, 'an upload of runs/junit/');
    assert.match(junit.with!.name!, /\$\{\{ matrix\.shard \}\}/);
  });

  it('every make target and failover-lab command it runs exists', () => {
    const made = runs.flatMap((r) => [...r.matchAll(/\bmake ((?:[a-z][a-z0-9-]* ?)+)/g)].flatMap((m) => m[1]!.trim().split(' ')));
    assert.ok(made.includes('e2e') && made.includes('test-unit'));
    for (const t of made) assert.ok(targets.has(t), `make ${t} is not a target of the Makefile`);
    const commands = new Set(buildProgram().commands.map((c) => c.name()));
    const used = runs.flatMap((r) => [...r.matchAll(/bin\/failover-lab\.js ([a-z]+)/g)].map((m) => m[1]!));
    assert.ok(used.includes('doctor'), 'runs failover-lab doctor');
    for (const c of used) assert.ok(commands.has(c), `failover-lab ${c} is not a command`);
  });
});
