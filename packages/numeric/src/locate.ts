/**
 * Finding files that ship beside the code. In the repository and an npm install they sit in a
 * package; a bundle (the n8n package) copies them into a folder beside its dist/ (dist/firth-wasm,
 * dist/firth-data, dist/firth-plot). Either way they are found by walking up from the running
 * module's folder.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __dirname: string | undefined;

/**
 * The folder of the running module, given its `import.meta.url`.
 *
 * An ES module (the repository, an npm install) has a `file:` URL: its folder is the answer, even
 * where a global `__dirname` exists too (`node -e` defines one, '.'). A CommonJS bundle whose
 * `import.meta` is empty (esbuild's output without a define) has no URL: its `__dirname` is used
 * (`cjsDirname`, which defaults to the global one).
 *
 *   moduleDirOf(import.meta.url) // '/…/node_modules/@firth/deep/dist'
 */
export function moduleDirOf(
  metaUrl: string | undefined,
  cjsDirname: string | null = typeof __dirname === 'string' ? __dirname : null,
): string {
  if (typeof metaUrl === 'string' && metaUrl.startsWith('file:')) return dirname(fileURLToPath(metaUrl));
  if (cjsDirname !== null) return cjsDirname;
  throw new Error(
    `Firth cannot tell which folder its code runs from: import.meta.url is ${String(metaUrl)} and there is no __dirname`,
  );
}

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
