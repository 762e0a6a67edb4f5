// Property: whatever damage a person (or an editor) does to one of the project's own topology
// or scenario files, the parser either accepts the result or refuses it with the project's
// input error naming that file, a line inside it and a column. Offline and fast: the bytes are
// parsed as if read from the original's path (so relative topology paths still resolve), and
// nothing is deployed. Deterministic: seed N is mutation N; a failure prints how to repeat it.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseScenarioBytes } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { parseTopologyBytes } from '../../../../src/topology/parse-topology.js';
import { repoRoot } from '../../../helpers/repo-root.js';
import { mutate, seededRandom, type Mutant } from '../../common/mutate-text.js';

// Mutants (≈ 2.5 ms of CPU each): 150 per topology, and 2,000 shared by the scenario files,
// however many there are (at least 10 each), so that the test does not grow with the suite.
const TOPOLOGY_MUTANTS = 150;
const SCENARIO_MUTANTS = 2000;
/** Variables the topologies use, fixed so the run does not depend on the shell. */
const ENV: Record<string, string> = {};

const filesUnder = (dir: string, ending: RegExp): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(full, ending);
      return ending.test(entry.name) ? [full] : [];
    })
    .sort();

interface Refusal {
  file: string;
  seed: number;
  applied: string[];
  problem: string;
}

/** Undefined when the parser accepted the mutant or refused it properly; else what was wrong. */
const judge = (error: unknown, file: string, mutant: Mutant): string | undefined => {
  if (!(error instanceof InputFileError)) return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  const { position } = error;
  const lines = mutant.bytes.toString('latin1').split('\n').length;
  if (position.file !== file) return `names ${position.file}, not the mutated file (${error.message})`;
  if (!(position.line >= 1 && position.line <= lines + 1)) {
    return `line ${position.line} is outside the file's ${lines} lines (${error.message})`;
  }
  if (!(position.column >= 1)) return `column ${position.column} (${error.message})`;
  const place = `${file}:${position.line}:${position.column}: `;
  if (!error.message.startsWith(place)) return `message does not start with the place: ${error.message}`;
  return undefined;
};

const run = async (files: string[], perFile: number, parse: (bytes: Buffer, file: string) => Promise<unknown>) => {
  const wrong: Refusal[] = [];
  let refused = 0;
  for (const [f, file] of files.entries()) {
    const original = readFileSync(file, 'utf8');
    for (let n = 0; n < perFile; n++) {
      const seed = f * perFile + n + 1;
      const mutant = mutate(original, seededRandom(seed));
      try {
        await parse(mutant.bytes, file);
      } catch (error) {
        refused++;
        const problem = judge(error, file, mutant);
        if (problem !== undefined) wrong.push({ file: path.relative(repoRoot, file), seed, applied: mutant.applied, problem });
      }
    }
  }
  const shown = wrong.slice(0, 5).map((w) => `  ${w.file} seed ${w.seed} (${w.applied.join(', ')}): ${w.problem}`);
  assert.equal(wrong.length, 0, `${wrong.length} of ${refused} refusals lacked the input error with a place:\n${shown.join('\n')}`);
  // A mutator that never breaks anything would make this test vacuous.
  assert.ok(refused > files.length * perFile * 0.3, `only ${refused} mutants were refused`);
  return refused;
};

describe('mutated input files: every refusal is the input error with file, line and column', function () {
  this.timeout(60_000);

  it("the project's topology files", async () => {
    const files = filesUnder(path.join(repoRoot, 'topologies'), /\.clab\.yml$/);
    assert.ok(files.length >= 4, `found only ${files.length} topology files`);
    for (const file of files) parseTopologyBytes(readFileSync(file), file, ENV);
    await run(files, TOPOLOGY_MUTANTS, async (bytes, file) => parseTopologyBytes(bytes, file, ENV));
  });

  it("the project's scenario files", async () => {
    const files = ['scenarios', 'bench/scenarios'].flatMap((dir) => filesUnder(path.join(repoRoot, dir), /\.ya?ml$/));
    assert.ok(files.length >= 20, `found only ${files.length} scenario files`);
    // The originals themselves load: their expect: lines agree with their checks, and none is empty.
    for (const file of files) await parseScenarioBytes(readFileSync(file), file, ENV);
    await run(files, Math.max(10, Math.ceil(SCENARIO_MUTANTS / files.length)), (bytes, file) => parseScenarioBytes(bytes, file, ENV));
  });
});
