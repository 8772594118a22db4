/**
 * Tests that need a process of their own (killed mid-write, or watched for an unhandled rejection)
 * run a script that imports this package's TypeScript sources, as the bench scripts do: Node's
 * type stripping with the workspace's `firth-source` condition and scripts/bench/ts-hooks.mjs.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** `node` arguments that run `script` (with `args`) over the packages' TypeScript sources. */
export const onSources = (script: string, ...args: string[]): string[] => [
  '--conditions=firth-source',
  '--experimental-transform-types',
  '--disable-warning=ExperimentalWarning',
  '--import',
  join(root, 'scripts/bench/ts-hooks.mjs'),
  script,
  ...args,
];
