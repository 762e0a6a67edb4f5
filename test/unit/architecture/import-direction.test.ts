// DESIGN §2: dependencies point down, between areas and between the folders inside an area.
// Checked on the sources, so a wrong import fails a test instead of waiting for a reviewer. The
// rules live in test/helpers/import-graph.ts, whose own tests prove each one fails when it should.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  ALLOWED,
  AREAS,
  areaCoverage,
  areaViolations,
  daemonPartViolations,
  entryViolations,
  folderCycles,
  importEdges,
} from '../../helpers/import-graph.js';
import { repoRoot } from '../../helpers/repo-root.js';

const src = path.join(repoRoot, 'src');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });

// Read once: a missing src/ throws here and fails every test below instead of passing them empty.
const sources = new Map(sourceFiles(src).map((f) => [path.relative(src, f).split(path.sep).join('/'), readFileSync(f, 'utf8')]));
const edges = importEdges(sources);

describe('import direction (DESIGN §2)', () => {
  it('every area has sources and every folder of src/ is an area', () => {
    assert.deepEqual(areaCoverage([...sources.keys()]), { missing: [], unknown: [] });
  });

  for (const area of AREAS) {
    it(`src/${area} imports only ${ALLOWED[area].join(', ') || 'nothing of ours'}`, () => {
      assert.ok(
        [...sources.keys()].some((f) => f.startsWith(`${area}/`)),
        `src/${area} has no source file to check`,
      );
      assert.deepEqual(areaViolations(edges, area), []);
    });
    it(`src/${area}: no import cycle between its folders`, () => {
      assert.deepEqual(folderCycles(edges, area), []);
    });
  }

  it("a daemon part imports only itself, its daemon's shared modules and src/daemons/shared", () => {
    assert.deepEqual(daemonPartViolations(edges), []);
  });

  it('src/index.ts (the package entry) re-exports only the api and what it hands out, never the CLI or lab-side code', () => {
    assert.ok(sources.has('index.ts'), 'src/index.ts is missing');
    assert.deepEqual(entryViolations(edges), []);
  });

  it('the check sees the imports it checks', () => {
    // A regex that stopped matching would pass every rule above on an empty graph.
    assert.ok(edges.length > sources.size, `only ${edges.length} imports found in ${sources.size} files`);
    assert.ok(edges.some((e) => e.from.startsWith('orchestrator/report/') && e.to.startsWith('orchestrator/checker/')));
  });
});
