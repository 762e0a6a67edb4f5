// Compiled files in dist/ whose TypeScript source is gone: mocha would still run a stale
// dist/test/**/*.test.js of a deleted test, and its pass would test nothing that exists.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  });

/** Every `*.js` under `distDir` with no `*.ts` (or `*.js`/`*.cjs` copied as is) at the same place under `srcRoot`. */
export const staleCompiledFiles = (distDir: string, srcRoot: string): string[] => {
  if (!existsSync(distDir)) return [];
  return walk(distDir)
    .filter((f) => f.endsWith('.js'))
    .filter((f) => {
      const rel = path.relative(distDir, f).replace(/\.js$/, '');
      return !['.ts', '.js', '.mts'].some((ext) => existsSync(path.join(srcRoot, rel + ext)));
    })
    .map((f) => path.relative(distDir, f))
    .sort();
};
