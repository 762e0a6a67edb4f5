import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/helpers → repo root */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
