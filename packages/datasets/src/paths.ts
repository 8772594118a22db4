/**
 * Where the shipped data lives.
 *
 * In the repository and in an npm install the files sit next to this package's `src/` and
 * `dist/` (`<package>/data`, `<package>/models`). Bundles (the n8n package) copy them into a
 * `firth-data/` folder beside the bundle. `FIRTH_DATA_DIR` overrides both.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { foldersUp, moduleDirOf } from '@firth/numeric';

/** The folder this module runs from (ESM in the repo and an npm install, CommonJS inside a bundle). */
const moduleDir = (): string => moduleDirOf(import.meta.url);

/** Folders that may hold the data, most specific first. */
function candidateRoots(): string[] {
  const roots: string[] = [];
  if (process.env.FIRTH_DATA_DIR) roots.push(resolve(process.env.FIRTH_DATA_DIR));
  // Walk up from the running module: `<pkg>/src` or `<pkg>/dist` → `<pkg>`; a bundle in
  // `dist/nodes/X/` → `dist/firth-data`.
  for (const dir of foldersUp(moduleDir())) roots.push(join(dir, 'firth-data'), dir);
  return roots;
}

/**
 * Absolute path of a shipped file or folder, given its path relative to the data root.
 *
 *   dataPath('data/tinyshakespeare/input.txt') // '/…/packages/datasets/data/tinyshakespeare/input.txt'
 */
export function dataPath(relative: string): string {
  for (const root of candidateRoots()) {
    const p = join(root, relative);
    if (existsSync(p)) return p;
  }
  throw new Error(
    `Firth data file "${relative}" was not found (looked under FIRTH_DATA_DIR and the folders above ${moduleDir()}). ` +
      'Set FIRTH_DATA_DIR to the folder that holds data/ and models/.',
  );
}
