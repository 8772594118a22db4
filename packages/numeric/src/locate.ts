/**
 * Finding files that ship beside the code. In the repository and an npm install they sit in a
 * package; a bundle (the n8n package) copies them into a folder beside its dist/ (dist/firth-wasm,
 * dist/firth-data, dist/firth-plot). Either way they are found by walking up from the running
 * module's folder.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `start` and the folders above it, nearest first, at most `levels` of them. */
export function foldersUp(start: string, levels = 6): string[] {
  const folders: string[] = [];
  let dir = start;
  for (let i = 0; i < levels; i++) {
    folders.push(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return folders;
}

/**
 * The first `<folder at or above start>/<folder>` that holds `file`, or undefined.
 *
 *   findAbove('/pkg/dist/nodes/X', 'firth-wasm', 'tfjs-backend-wasm.wasm') // '/pkg/dist/firth-wasm'
 */
export function findAbove(start: string, folder: string, file: string, levels = 6): string | undefined {
  return foldersUp(start, levels)
    .map((dir) => join(dir, folder))
    .find((candidate) => existsSync(join(candidate, file)));
}
