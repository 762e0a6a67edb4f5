// Which scenario files a run covers: files as given, folders searched for *.yml / *.yaml.
// Finding nothing is an error, never an empty (and so green) run.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RunOptionError } from './run-option-error.js';

const isScenarioFile = (name: string): boolean => /\.ya?ml$/.test(name);

const filesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? filesUnder(full) : Promise.resolve(e.isFile() && isScenarioFile(e.name) ? [full] : []);
    }),
  );
  return nested.flat();
};

/** Absolute paths, sorted and without duplicates. Throws when a path is missing or a folder holds no scenario. */
export const findScenarioFiles = async (paths: readonly string[]): Promise<string[]> => {
  if (paths.length === 0) throw new RunOptionError('no scenario file or folder given');
  const found = await Promise.all(
    paths.map(async (given) => {
      const full = path.resolve(given);
      const info = await stat(full).catch(() => undefined);
      if (!info) throw new RunOptionError(`scenario path ${given} does not exist`);
      if (!info.isDirectory()) return [full];
      const files = await filesUnder(full);
      if (files.length === 0) throw new RunOptionError(`scenario folder ${given} holds no scenario file (*.yml, *.yaml)`);
      return files;
    }),
  );
  return [...new Set(found.flat())].sort();
};
