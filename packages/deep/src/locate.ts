/**
 * Finding files that ship beside the code: in the repository and an npm install they sit in a
 * package (resolved with `require.resolve`); the n8n bundle copies them into a folder beside its
 * dist/ (dist/firth-wasm, dist/firth-data/…), found by walking up from the running module.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findAbove as findAboveFrom, moduleDirOf } from '@firth/numeric';

/** The folder this module runs from (ESM in the repo and an npm install, CommonJS inside a bundle). */
export const moduleDir = (): string => moduleDirOf(import.meta.url);

/** `require` from this module (resolves packages the way Node would from here). */
export const requireHere = createRequire(join(moduleDir(), 'x.js'));

/** The first `<folder above this module>/<folder>` that holds `file`, or undefined. */
export const findAbove = (folder: string, file: string, levels = 6): string | undefined =>
  findAboveFrom(moduleDir(), folder, file, levels);
