// `make docs`: writes docs/scenarios.md, the list of every scenario with what it checks,
// generated from the scenario files.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogOfRepo } from '../orchestrator/scenario/scenario-catalog-files.js';

/** dist/src/cli → the repository root */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const out = path.join(root, 'docs', 'scenarios.md');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, await catalogOfRepo(root));
console.log(`wrote ${path.relative(root, out)}`);
