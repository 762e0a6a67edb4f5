// The architecture rules on hand-built sources: each must fail on the fault it exists for, or the
// import-direction test could pass without checking anything.
import { strict as assert } from 'node:assert';
import {
  AREAS,
  areaCoverage,
  areaViolations,
  daemonPartViolations,
  entryViolations,
  folderCycles,
  importEdges,
} from '../../helpers/import-graph.js';

const graph = (files: Record<string, string[]>) =>
  importEdges(new Map(Object.entries(files).map(([file, specs]) => [file, specs.map((s) => `import { x } from '${s}';`).join('\n')])));

describe('import graph rules (test/helpers/import-graph.ts)', () => {
  it('reads static, type-only, re-export, side-effect and dynamic imports, and maps .js to .ts', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../other/b.js';",
      'export { c } from "./c.js";',
      "import './d.js';",
      "const e = await import('./e.js');",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    assert.deepEqual(
      importEdges(new Map([['area/sub/f.ts', text]])).map((e) => e.to),
      ['area/sub/a.ts', 'area/other/b.ts', 'area/sub/c.ts', 'area/sub/d.ts', 'area/sub/e.ts'],
    );
  });

  it('fails on a missing area and on a folder of src/ that is no area', () => {
    const all = AREAS.map((a) => `${a}/x.ts`);
    assert.deepEqual(areaCoverage(all), { missing: [], unknown: [] });
    assert.deepEqual(areaCoverage(all.filter((f) => !f.startsWith('daemons/'))).missing, ['daemons']);
    assert.deepEqual(areaCoverage([...all, 'plugins/x.ts']).unknown, ['plugins']);
  });

  it('takes src/index.ts for the package entry, not an area, and fails when it reaches into the CLI or a daemon', () => {
    const all = AREAS.map((a) => `${a}/x.ts`);
    assert.deepEqual(areaCoverage([...all, 'index.ts']), { missing: [], unknown: [] });
    const edges = graph({ 'index.ts': ['./api/a.js', './lab/lab.js', './cli/main.js', './daemons/d.js'] });
    assert.deepEqual(entryViolations(edges), ['src/index.ts → src/cli/main.ts', 'src/index.ts → src/daemons/d.ts']);
  });

  it('fails on an import into an area not allowed, and only then', () => {
    const edges = graph({ 'probe/p.ts': ['../common/c.js', '../orchestrator/runner/r.js'], 'cli/m.ts': ['../orchestrator/runner/r.js'] });
    assert.deepEqual(areaViolations(edges, 'probe'), ['src/probe/p.ts → src/orchestrator/runner/r.ts']);
    assert.deepEqual(areaViolations(edges, 'cli'), []);
  });

  it('fails on a cycle between two folders of one area, naming every import that closes it', () => {
    const edges = graph({
      'orchestrator/checker/checker.ts': ['../report/report-types.js', '../history/h.js'],
      'orchestrator/report/build-report.ts': ['../checker/checker.js'],
      'orchestrator/report/report-types.ts': [],
      'orchestrator/history/h.ts': [],
    });
    assert.deepEqual(folderCycles(edges, 'orchestrator'), [
      {
        folders: ['orchestrator/checker', 'orchestrator/report'],
        imports: [
          'src/orchestrator/checker/checker.ts → src/orchestrator/report/report-types.ts',
          'src/orchestrator/report/build-report.ts → src/orchestrator/checker/checker.ts',
        ],
      },
    ]);
  });

  it('fails on a longer cycle and on a parent folder importing its child that imports it, not on one-way chains', () => {
    const ring = graph({ 'o/a/x.ts': ['../b/y.js'], 'o/b/y.ts': ['../c/z.js'], 'o/c/z.ts': ['../a/x.js'] });
    assert.deepEqual(
      folderCycles(ring, 'o').map((c) => c.folders),
      [['o/a', 'o/b', 'o/c']],
    );
    const nested = graph({ 'd/n/p.ts': ['./part/q.js'], 'd/n/part/q.ts': ['../p.js'] });
    assert.deepEqual(
      folderCycles(nested, 'd').map((c) => c.folders),
      [['d/n', 'd/n/part']],
    );
    const chain = graph({ 'o/a/x.ts': ['../b/y.js', './w.js'], 'o/a/w.ts': ['./x.js'], 'o/b/y.ts': ['../c/z.js'], 'o/c/z.ts': [] });
    assert.deepEqual(folderCycles(chain, 'o'), []);
    assert.deepEqual(folderCycles(ring, 'other'), []);
  });

  it('leaves out an entry module (main.ts), which wires the folders below it, but not a helper beside it', () => {
    const wired = graph({ 'cli/main.ts': ['./commands/run.js'], 'cli/commands/run.ts': ['../context.js'], 'cli/context.ts': [] });
    assert.deepEqual(folderCycles(wired, 'cli'), []);
    const tangled = graph({
      'cli/drivers.ts': ['./commands/table.js'],
      'cli/commands/run.ts': ['../drivers.js'],
      'cli/commands/table.ts': [],
    });
    assert.deepEqual(folderCycles(tangled, 'cli'), [
      {
        folders: ['cli', 'cli/commands'],
        imports: ['src/cli/drivers.ts → src/cli/commands/table.ts', 'src/cli/commands/run.ts → src/cli/drivers.ts'],
      },
    ]);
  });

  it("fails when a daemon part imports a sibling part or another daemon; allows its daemon's shared modules and daemons/shared", () => {
    const edges = graph({
      'daemons/nat-lb/controller/migration.ts': ['../protocol.js', '../../shared/json-api.js', './move.js', '../copy-store/row-store.js'],
      'daemons/nat-lb/protocol.ts': ['./liveness.js', '../shared/event-log.js'],
      'daemons/nat-lb/liveness.ts': ['./balancer/main.js'],
      'daemons/arp-ha/main.ts': ['./election.js', '../nat-lb/protocol.js'],
      'daemons/shared/json-api.ts': ['./event-log.js', '../arp-ha/election.js'],
    });
    assert.deepEqual(daemonPartViolations(edges), [
      'src/daemons/nat-lb/controller/migration.ts → src/daemons/nat-lb/copy-store/row-store.ts',
      'src/daemons/nat-lb/liveness.ts → src/daemons/nat-lb/balancer/main.ts',
      'src/daemons/arp-ha/main.ts → src/daemons/nat-lb/protocol.ts',
      'src/daemons/shared/json-api.ts → src/daemons/arp-ha/election.ts',
    ]);
  });
});
