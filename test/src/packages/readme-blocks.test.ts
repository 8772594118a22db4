/**
 * The package tier's extractor and runner on Markdown written here: the blocks and flags it finds,
 * the `// →` rewrite, the CommonJS form, and — the point of the tier — that a README whose block
 * fails (a wrong `// →`, a throw, an assertion that never runs) gives a failed outcome naming the
 * README line, as ESM and as CommonJS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../browser/chromium.ts';
import {
  type Block,
  blockTitle,
  commentStart,
  extractBlocks,
  markNumbers,
  rewriteAssertions,
  toCommonJs,
} from './readme-blocks.ts';
import { type Checker, prepareChecker, runBrowserBlock, runNodeBlock } from './runner.ts';

const README = [
  '# @firth/example', // 1
  '', // 2
  '```sh', // 3
  'npm install @firth/example', // 4
  '```', // 5
  '', // 6
  '```ts', // 7
  "import { strict as assert } from 'node:assert';", // 8
  'const x = 1 + 1; // → 2', // 9
  "'Once upon a time' + ' there'; // → 'Once upon…'", // 10
  '```', // 11
  '', // 12
  '```js browser', // 13
  'document.title; // → "firth"', // 14
  '```', // 15
  '', // 16
  '```ts needs-network extra', // 17
  'await fetch("https://example.com"); // prose // → 1', // 18
  '```', // 19
  '```json', // 20
  '{ "a": 1 }', // 21
  '```', // 22
].join('\n');

describe('extractBlocks', () => {
  const blocks = extractBlocks(README, '@firth/example', 'packages/example/README.md');

  it('finds the ts/js blocks with their flags and first README line, and skips other languages', () => {
    expect(blocks.map((b) => [b.index, b.lang, b.flags, b.unknownFlags, b.line])).toEqual([
      [1, 'ts', [], [], 8],
      [2, 'js', ['browser'], [], 14],
      [3, 'ts', ['needs-network'], ['extra'], 18],
    ]);
    expect(blocks[0]?.code.split('\n')).toHaveLength(3);
  });

  it('names a block by package, number, line and first code line', () => {
    expect(blockTitle(blocks[0] as Block)).toBe(
      "@firth/example README block 1 (line 8): import { strict as assert } from 'node:assert';",
    );
  });
});

describe('the // → rewrite', () => {
  it('finds comments outside strings only', () => {
    expect(commentStart("fetch('http://x'); // → 1")).toBe(19);
    expect(commentStart('const s = "a // b";')).toBe(-1);
    expect(commentStart('/* c */ x; // d')).toBe(11);
  });

  it('marks the numbers written, with their sign where it can only be a sign, not inside strings or keys', () => {
    expect(markNumbers("[['queen', 0.7699]]")).toBe(
      '[[\'queen\', __firth.expectedNumber(0.7699, "0.7699")]]',
    );
    expect(markNumbers('{ epoch: 1, weights: [0.3, -0.2] }')).toBe(
      '{ epoch: __firth.expectedNumber(1, "1"), weights: [__firth.expectedNumber(0.3, "0.3"), __firth.expectedNumber(-0.2, "-0.2")] }',
    );
    expect(markNumbers("'3.000 apples'")).toBe("'3.000 apples'");
    expect(markNumbers('{ 0: x2 }')).toBe('{ 0: x2 }');
    expect(markNumbers('a - 1')).toBe('a - __firth.expectedNumber(1, "1")');
    expect(markNumbers('new Float32Array([1.50, 2e-3])')).toBe(
      'new Float32Array([__firth.expectedNumber(1.50, "1.50"), __firth.expectedNumber(2e-3, "2e-3")])',
    );
  });

  it('keeps README line numbers and rewrites expressions and declarations on their own line', () => {
    const block = extractBlocks(README, '@firth/example', 'r.md')[0] as Block;
    const { source, assertions } = rewriteAssertions(block);
    const lines = source.split('\n');
    expect(lines[8]).toBe(
      'const x = 1 + 1; await __firth.check(() => x, (throws) => (__firth.expectedNumber(2, "2")), {"line":9,"code":"const x = 1 + 1","expected":"2"});',
    );
    expect(lines[9]).toMatch(
      /^await __firth\.check\(async \(\) => \('Once upon a time' \+ ' there'\), \(throws\) => \('Once upon…'\)/,
    );
    expect(assertions.map((a) => a.line)).toEqual([9, 10]);
  });

  it('refuses an arrow without a statement before it', () => {
    const block = extractBlocks('```ts\n  // → 3\n```', 'p', 'p/README.md')[0] as Block;
    expect(() => rewriteAssertions(block)).toThrow(
      'p/README.md:2: a "// →" assertion needs a statement before it',
    );
  });

  it('CommonJS: imports become requires on their lines, the rest runs in an async function', () => {
    const cjs = toCommonJs(
      'import a, { b as c, d } from "x";\nimport * as ns from "y";\nimport "z";\nawait c(d);\n//# sourceMappingURL=data:x',
      '/check.cjs',
    );
    expect(cjs.split('\n')).toEqual([
      '"use strict";const __firth = require("/check.cjs");const __firthDefault = (m) => (m && m.__esModule && \'default\' in m ? m.default : m);const a = __firthDefault(require("x"));const { b: c, d } = require("x");',
      'const ns = require("y");',
      'require("z");(async () => {',
      'await c(d);',
      '})().then(() => __firth.done(), (e) => __firth.done(e));',
      '//# sourceMappingURL=data:x',
    ]);
  });
});

describe('running a deliberately broken README', () => {
  let project = '';
  let checker: Checker;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'firth-tier-selftest-'));
    mkdirSync(join(project, 'node_modules', 'firth-selftest'), { recursive: true });
    writeFileSync(
      join(project, 'node_modules', 'firth-selftest', 'package.json'),
      JSON.stringify({ name: 'firth-selftest', version: '1.0.0', main: 'index.js' }),
    );
    writeFileSync(
      join(project, 'node_modules', 'firth-selftest', 'index.js'),
      'exports.add = (a, b) => a + b; exports.fail = (m) => { throw new Error(m); };',
    );
    checker = await prepareChecker(project);
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const readme = (body: string) =>
    extractBlocks(
      `# t\n\n\`\`\`ts\nimport { add, fail } from 'firth-selftest';\n${body}\n\`\`\`\n`,
      'firth-selftest',
      't/README.md',
    )[0] as Block;
  const runBoth = async (block: Block) => {
    const options = {
      project,
      scratch: project,
      checker,
      readmePath: join(project, 'README.md'),
      timeoutMs: 20_000,
    };
    return Promise.all([runNodeBlock(block, 'esm', options), runNodeBlock(block, 'cjs', options)]);
  };

  it('a correct block passes as ESM and CommonJS, with top-level await and throws(...)', async () => {
    const block = readme(
      [
        'const two: number = add(1, 1); // → 2',
        'await Promise.resolve([add(0.1, 0.2), 3]); // → [0.3000, 3]',
        "fail('bad input: x'); // → throws('bad input')",
        "({ a: add('a', 'b'), b: new Float32Array([0.5]) }); // → { b: [0.5] }",
      ].join('\n'),
    );
    const [esm, cjs] = await runBoth(block);
    expect(esm.message).toBe('t/README.md:4 (block 1, ESM): 4 assertions');
    expect(esm.ok).toBe(true);
    expect(cjs.ok, cjs.message).toBe(true);
  });

  it('a wrong // → fails, naming the README line, the expected and the actual value', async () => {
    const [esm, cjs] = await runBoth(
      readme("const x = add(1, 1); // → 3\nadd('Once', ' upon'); // → 'Once upon a…'"),
    );
    for (const outcome of [esm, cjs]) {
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toContain(
        'README line 5: const x = add(1, 1) // → 3\n  expected 3, got 2 (±0.5)',
      );
      expect(outcome.message).toContain(
        "README line 6: add('Once', ' upon') // → 'Once upon a…'\n  expected \"Once upon a…\", got \"Once upon\" (prefix)",
      );
      expect(outcome.message).toContain('exit code 1');
    }
  });

  it('a block that throws fails with its stack pointing at the README line', async () => {
    const [esm, cjs] = await runBoth(readme("add(1, 1);\nfail('the model file is missing');"));
    for (const outcome of [esm, cjs]) {
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toContain('the model file is missing');
      expect(outcome.message).toContain('README.md:6');
    }
  });

  it('a block that exits before its assertions ran fails', async () => {
    const [esm] = await runBoth(readme('process.exit(0);\nadd(1, 1); // → 2'));
    expect(esm.ok).toBe(false);
    expect(esm.message).toContain('the block did not finish');
  });

  const chromium = findChromium();
  describe.skipIf('skip' in chromium)('in Chromium (a `browser` block)', () => {
    let browser: Browser;
    beforeAll(async () => {
      if ('path' in chromium) browser = await launchChromium(chromium.path);
    });
    afterAll(async () => {
      await browser?.close();
    });
    const inPage = (block: Block) =>
      runBrowserBlock(block, {
        project,
        checker,
        readmePath: join(project, 'README.md'),
        browser,
        timeoutMs: 20_000,
      });

    it('bundles the block with its imports and checks its assertions in the page', async () => {
      const ok = await inPage(readme("add(2, 3); // → 5\ndocument.title; // → 'firth'"));
      expect(ok.message).toBe('t/README.md:4 (block 1, browser): 2 assertions');
      const wrong = await inPage(readme('add(2, 3); // → 6'));
      expect(wrong.ok).toBe(false);
      expect(wrong.message).toContain('README line 5: add(2, 3) // → 6\n  expected 6, got 5 (±0.5)');
    });

    it('fails a block that throws in the page or cannot be bundled for a browser', async () => {
      const thrown = await inPage(readme("fail('no fs here');"));
      expect(thrown.ok).toBe(false);
      expect(thrown.message).toContain('no fs here');
      const unbundled = await inPage(readme("import { zzz } from 'not-installed-anywhere';\nzzz();"));
      expect(unbundled.ok).toBe(false);
      expect(unbundled.message).toContain('esbuild could not bundle it for a browser');
      expect(unbundled.message).toContain('not-installed-anywhere');
    });
  });

  it('a block that never finishes fails with a timeout', async () => {
    const block = readme('await new Promise(() => setInterval(() => {}, 1000));');
    const outcome = await runNodeBlock(block, 'esm', {
      project,
      scratch: project,
      checker,
      readmePath: join(project, 'README.md'),
      timeoutMs: 1500,
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('timed out after 1500 ms');
  });
});
