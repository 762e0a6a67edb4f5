// DESIGN §2: dependencies point down. Checked on the sources, so a wrong import fails a test
// instead of waiting for a reviewer.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/repo-root.js';

const AREAS = ['common', 'topology', 'runtime', 'kernel', 'lab', 'switch', 'probe', 'daemons', 'orchestrator', 'cli'] as const;
type Area = (typeof AREAS)[number];

/** What each area may import besides itself. */
const ALLOWED: Record<Area, Area[]> = {
  common: [],
  topology: ['common'],
  kernel: ['common'],
  runtime: ['common'],
  lab: ['common', 'topology', 'runtime', 'kernel'],
  // These ship into lab containers: never the host-side orchestration.
  switch: ['common', 'kernel'],
  probe: ['common', 'kernel'],
  daemons: ['common', 'kernel'],
  orchestrator: ['common', 'topology', 'runtime', 'kernel', 'lab', 'probe'],
  cli: ['common', 'topology', 'runtime', 'kernel', 'lab', 'probe', 'orchestrator', 'switch'],
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });

describe('import direction (DESIGN §2)', () => {
  const src = path.join(repoRoot, 'src');
  for (const area of AREAS) {
    it(`src/${area} imports only ${ALLOWED[area].join(', ') || 'nothing of ours'}`, () => {
      let dir: string;
      try {
        dir = path.join(src, area);
        statSync(dir);
      } catch {
        return; // area not written yet
      }
      const offending: string[] = [];
      for (const file of sourceFiles(dir)) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
          const target = path.relative(src, path.resolve(path.dirname(file), m[1]!)).split(path.sep)[0] as Area;
          if (target !== area && !ALLOWED[area].includes(target)) offending.push(`${path.relative(repoRoot, file)} → ${m[1]}`);
        }
      }
      assert.deepEqual(offending, []);
    });
  }
});
