// Reads every scenario file of the repository for the catalog (docs/scenarios.md): the files
// under scenarios/ and bench/scenarios/, parsed as a run would parse them.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseScenarioFile } from './parse-scenario.js';
import { catalogMarkdown, type CatalogEntry } from './scenario-catalog.js';

export const SCENARIO_FOLDERS = ['scenarios', 'bench/scenarios'] as const;

const yamlFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? yamlFiles(full) : Promise.resolve(/\.ya?ml$/.test(e.name) ? [full] : []);
    }),
  );
  return nested.flat();
};

/** Every scenario file under the repository's scenario folders, parsed; a missing folder is an error. */
export const catalogEntries = async (root: string): Promise<CatalogEntry[]> => {
  const files = (await Promise.all(SCENARIO_FOLDERS.map((folder) => yamlFiles(path.join(root, folder))))).flat();
  // No environment: the page must not depend on the machine that generates it.
  return Promise.all(
    files.map(async (file) => ({
      file: path.relative(root, file).split(path.sep).join('/'),
      scenario: await parseScenarioFile(file, {}),
    })),
  );
};

export const catalogOfRepo = async (root: string): Promise<string> => catalogMarkdown(await catalogEntries(root));
