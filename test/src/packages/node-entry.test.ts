/**
 * Each package's built entry point, loaded the ways a developer outside the repository loads it:
 *
 * - `node -e "import('…')"` (where Node defines a global `__dirname` of '.'), then finding the
 *   package's shipped files from there: @firth/datasets' data and models, @firth/plot's fonts,
 *   @firth/deep's TF.js wasm binaries;
 * - on the oldest Node the packages support (engines >=20.19; the system Node of a fresh machine
 *   and CI, /usr/bin/node), with `import()` and with `require()` (require of an ES module, on by
 *   default from Node 20.19: it fails for a module graph with top-level await).
 *
 * Runs the packages' dist/ (turbo builds them before this package's tests).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/node-types.js';
import { supportedSystemNode } from './install.ts';

const entry = (name: string) => join(repoRoot, 'packages', name, 'dist', 'index.js');

/** Runs `script` with `node -e` from an empty folder outside the repository; its stdout. */
const nodeE = (node: string, script: string): string =>
  execFileSync(node, ['-e', script], { cwd: '/', encoding: 'utf8', timeout: 60_000 }).trim();

describe('node -e "import(…)" finds the shipped files', () => {
  it('@firth/datasets: data, models and the course notes', () => {
    const out = nodeE(
      process.execPath,
      `import(${JSON.stringify(entry('datasets'))}).then((m) => console.log(JSON.stringify([
        m.dataPath('models/bert-tiny/config.json'), m.dataPath('docs/concepts'), m.loadTinyShakespeare().length])))`,
    );
    expect(JSON.parse(out)).toEqual([
      join(repoRoot, 'packages/datasets/models/bert-tiny/config.json'),
      join(repoRoot, 'packages/datasets/docs/concepts'),
      1_115_394,
    ]);
  });

  it('@firth/plot: the fonts of its PNG renderer', () => {
    const out = nodeE(
      process.execPath,
      `import(${JSON.stringify(entry('plot'))}).then((m) => console.log(m.findPlotAssets().fonts))`,
    );
    expect(out).toBe(join(repoRoot, 'packages/plot/fonts'));
  });

  it("@firth/deep: TF.js's wasm binaries", () => {
    const out = nodeE(
      process.execPath,
      `import(${JSON.stringify(entry('deep'))}).then((m) => console.log(m.findWasmDir()))`,
    );
    expect(existsSync(join(out, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });
});

/** The system Node when it is one the packages support (>=20.19), else undefined. */
const systemNode = supportedSystemNode()?.path;

const packages = readdirSync(join(repoRoot, 'packages')).filter((name) => existsSync(entry(name)));

describe.skipIf(!systemNode)(
  `every package loads on the system Node (${systemNode ?? 'none ≥ 20.19'})`,
  () => {
    it.each(packages)('@firth/%s: import() and require()', (name) => {
      const file = JSON.stringify(entry(name));
      const count = `(m) => Object.keys(m).length`;
      const out = nodeE(
        systemNode as string,
        `const n = ${count}; import(${file}).then((m) => console.log(n(m), n(require(${file}))))`,
      );
      const [imported, required] = out.split(' ').map(Number);
      expect(imported).toBeGreaterThan(0);
      expect(required).toBe(imported);
    });
  },
);
