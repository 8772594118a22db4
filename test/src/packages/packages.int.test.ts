/**
 * The package tier (issue 15): Firth as a developer outside the repository gets it.
 *
 * Every published workspace package (not `private`) is packed with `pnpm pack`, and the tarballs are
 * installed with npm into a project in the system's temp folder, beside zod, @langchain/core,
 * langchain and @types/node. Then every ts/js block of every published package's README
 * (the convention: README-CONVENTION.md, "README code blocks that run as tests") is
 *   - run as ESM with this Node and as CommonJS with the system Node (≥ 20.19), each in a fresh
 *     empty working folder, its `// →` assertions checked (one test per block and form);
 *   - bundled for a browser with esbuild and run in headless Chromium when marked `browser`;
 *   - type-checked with tsc (strict, nodenext, skipLibCheck false) with the consumer fixture
 *     test/fixtures/consumer-types, once under zod 3.25.76 and once under zod 4.
 * Sizes and results go to test/.artifacts/packages/report.md.
 *
 * Alone: `cd test && FIRTH_TEST_TIER=int npx vitest run src/packages` (the packages must be built:
 * `pnpm turbo run build`). FIRTH_PACK_KEEP=1 keeps the temp project and names it.
 */

import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../browser/chromium.ts';
import {
  diskUsage,
  formatBytes,
  installClosureBytes,
  npmInstall,
  type Packed,
  pack,
  publishedPackages,
} from './install.ts';
import { type Block, blockTitle, extractBlocks, rewriteAssertions } from './readme-blocks.ts';
import {
  type BlockOutcome,
  type Checker,
  commonJsNode,
  prepareChecker,
  runBrowserBlock,
  runNodeBlock,
  type TypeErrors,
  typecheck,
} from './runner.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const artifacts = join(root, 'test', '.artifacts', 'packages');
const published = publishedPackages(root);
const readmes = published
  .filter((p) => existsSync(join(p.dir, 'README.md')))
  .map((p) => {
    const path = join(p.dir, 'README.md');
    return { pkg: p, path, blocks: extractBlocks(readFileSync(path, 'utf8'), p.name, `${p.rel}/README.md`) };
  });
const allBlocks = readmes.flatMap((r) => r.blocks);
const readmePath = (b: Block) => join(root, b.readme);
const has = (b: Block, flag: string) => (b.flags as string[]).includes(flag);
const runnable = allBlocks.filter(
  (b) => !has(b, 'needs-network') && !has(b, 'browser') && !has(b, 'no-check'),
);
const inBrowser = allBlocks.filter((b) => has(b, 'browser') && !has(b, 'no-check'));
const typeChecked = allBlocks.filter((b) => !has(b, 'no-check') && b.lang === 'ts');
const consumerFixture = join(root, 'test', 'fixtures', 'consumer-types');
const chromium = findChromium();

/** An exact version of a third-party package as the workspace pins it (devDependencies). */
function workspaceVersion(name: string, fallback: string): string {
  for (const dir of ['packages', 'apps'].flatMap((g) =>
    existsSync(join(root, g)) ? readdirSync(join(root, g)).map((n) => join(root, g, n)) : [],
  )) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
    const v = m['devDependencies']?.[name] ?? m['dependencies']?.[name];
    if (v && /^\d+\.\d+\.\d+$/.test(v)) return v;
  }
  return fallback;
}
const ZOD3 = '3.25.76';
const thirdParty = [
  `@langchain/core@${workspaceVersion('@langchain/core', '1.2.8')}`,
  `langchain@${workspaceVersion('langchain', '1.2.30')}`,
  `@types/node@${workspaceVersion('@types/node', '24.19.2')}`,
];

/** Two block processes at a time (the machine running the suite has 2 cores). */
function limiter(slots: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= slots) await new Promise<void>((r) => waiting.push(r));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

let scratch = '';
let project = '';
let checker: Checker;
let packed: Packed[] = [];
let installBytes = 0;
let setupMs = 0;
const started = Date.now();
const outcomes = new Map<string, Promise<BlockOutcome>>();
const settled = new Map<string, BlockOutcome>();
const browserOutcomes = new Map<Block, BlockOutcome>();
const types = new Map<string, TypeErrors>();
const key = (b: Block, mode: string) => `${b.readme}#${b.index}#${mode}`;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'firth-pack-'));
  const tarballs = join(scratch, 'tarballs');
  project = join(scratch, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  const two = limiter(2);
  packed = await Promise.all(published.map((p) => two(() => pack(p, tarballs))));
  const install = await npmInstall(project, [...packed.map((p) => p.tarball), `zod@${ZOD3}`, ...thirdParty]);
  if (install.code !== 0) {
    throw new Error(
      `npm install of the tarballs failed (exit ${install.code}):\n${install.stderr}\n${install.stdout}`,
    );
  }
  installBytes = diskUsage(join(project, 'node_modules'));
  checker = await prepareChecker(project);
  setupMs = Date.now() - started;
  const limit = limiter(2);
  for (const block of runnable) {
    for (const mode of ['esm', 'cjs'] as const) {
      const outcome = limit(() =>
        runNodeBlock(block, mode, { project, scratch, checker, readmePath: readmePath(block) }),
      );
      outcomes.set(
        key(block, mode),
        outcome.then((o) => {
          settled.set(key(block, mode), o);
          return o;
        }),
      );
    }
  }
}, 900_000);

afterAll(() => {
  try {
    writeReport();
  } finally {
    if (scratch && !process.env['FIRTH_PACK_KEEP']) rmSync(scratch, { recursive: true, force: true });
    else if (scratch) console.log(`[packages] kept the install project: ${project}`);
  }
});

describe('pack and install', () => {
  it('finds the published packages and their READMEs', () => {
    expect(published.map((p) => p.name)).toContain('@firth/numeric');
    expect(readmes.length).toBe(published.length);
  });

  it('README blocks use only the convention’s info-string flags', () => {
    const unknown = allBlocks
      .filter((b) => b.unknownFlags.length > 0)
      .map((b) => `${b.readme}:${b.line - 1}: unknown flag(s) ${b.unknownFlags.join(' ')}`);
    expect(unknown).toEqual([]);
  });

  for (const p of published) {
    it(`${p.name}: the tarball installs and holds the files its package.json points to`, () => {
      const dir = join(project, 'node_modules', p.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const missing = entryFiles(manifest).filter((f) => !existsSync(join(dir, f)));
      expect(missing, `${p.name}: files named in package.json but not in the tarball`).toEqual([]);
    });
  }
});

/** Files a package.json points at: main, module, types, bin, exports targets (not `firth-source`), n8n. */
function entryFiles(m: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown, condition?: string) => {
    if (condition === 'firth-source') return;
    if (typeof v === 'string') {
      if (!v.includes('*')) out.push(v);
    } else if (Array.isArray(v)) for (const x of v) add(x);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) add(x, k);
  };
  for (const field of ['main', 'module', 'types', 'typings', 'bin', 'exports']) add(m[field]);
  const n8n = m['n8n'] as { nodes?: string[]; credentials?: string[] } | undefined;
  add(n8n?.nodes);
  add(n8n?.credentials);
  return [...new Set(out)];
}

/**
 * `firth` as a stranger gets it: the bin npm linked from the @firth/cli tarball, run with this Node
 * and with the system Node 20, in an empty folder; what it prints is checked against the libraries
 * installed beside it (never numbers written here).
 */
describe('the installed firth command', () => {
  const nodes = [
    { label: `Node ${process.version}`, path: process.execPath },
    { label: `Node ${commonJsNode().version}`, path: commonJsNode().path },
  ];
  const firth = (node: string, args: string[], cwd = scratch) =>
    spawnSync(node, [join(project, 'node_modules', '.bin', 'firth'), ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    });
  /** What an ES module run in the install project prints (JSON), e.g. the library's own answer. */
  const library = (code: string): unknown => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`the library check failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };

  for (const node of nodes) {
    it(`--version and --help, and a usage error exits 2 [${node.label}]`, () => {
      const manifest = JSON.parse(
        readFileSync(join(project, 'node_modules', '@firth', 'cli', 'package.json'), 'utf8'),
      ) as { version: string };
      const version = firth(node.path, ['--version']);
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout.trim()).toContain(manifest.version);
      const help = firth(node.path, ['word2vec', 'train', '--help']);
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toContain('--out');
      const bad = firth(node.path, ['vectors', 'similar', 'glove-6b-100d-top20k', 'king', '--topn', 'ten']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--topn');
    });

    it(`vectors similar on the shipped GloVe gives the library's neighbours [${node.label}]`, () => {
      const run = firth(node.path, [
        'vectors',
        'similar',
        'glove-6b-100d-top20k',
        'king',
        '--topn',
        '3',
        '--json',
      ]);
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as { similar: { word: string; similarity: number }[] };
      const expected = library(
        "import { loadPretrained } from '@firth/embeddings'; const kv = await loadPretrained('glove-6b-100d-top20k'); console.log(JSON.stringify(kv.mostSimilar('king', 3).map(([w]) => w)));",
      );
      expect(out.similar.map((s) => s.word)).toEqual(expected);
    });

    it(`word2vec train on a corpus file, then vectors similar on what it wrote [${node.label}]`, () => {
      const dir = mkdtempSync(join(scratch, 'cli-'));
      const corpus = library(
        "import { dataPath } from '@firth/datasets'; console.log(JSON.stringify(dataPath('data/lee/lee_background.cor')));",
      ) as string;
      const lee = readFileSync(corpus, 'utf8');
      writeFileSync(join(dir, 'corpus.txt'), lee);
      const train = firth(
        node.path,
        [
          'word2vec',
          'train',
          'corpus.txt',
          '--dim',
          '20',
          '--min-count',
          '3',
          '--epochs',
          '1',
          '--out',
          'v.bin',
        ],
        dir,
      );
      expect(train.status, train.stderr).toBe(0);
      expect(train.stderr).toMatch(/words\/s/);
      expect(train.stderr.includes('\u001b[')).toBe(false); // not a TTY: no escape codes
      const similar = firth(
        node.path,
        ['vectors', 'similar', 'v.bin', 'government', '--topn', '2', '--json'],
        dir,
      );
      expect(similar.status, similar.stderr).toBe(0);
      expect((JSON.parse(similar.stdout) as { similar: unknown[] }).similar).toHaveLength(2);
    });

    it(`rag ask answers from the shipped course notes with citations [${node.label}]`, () => {
      const run = firth(node.path, ['rag', 'ask', 'What is BERT?', '--json']);
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as { answer: string; sources: { n: number }[] };
      expect(out.answer).toMatch(/\[\d+\]/);
      expect(out.sources.length).toBeGreaterThan(0);
    });
  }

  it('firth n8n outside a clone says what it needs and exits 1', () => {
    const run = firth(process.execPath, ['n8n']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('clone of the Firth repository');
  });
});

describe('README blocks in Node', () => {
  for (const block of runnable) {
    for (const mode of ['esm', 'cjs'] as const) {
      const form =
        mode === 'esm' ? `ESM, Node ${process.version}` : `CommonJS, Node ${commonJsNode().version}`;
      it(`${blockTitle(block)} [${form}]`, async () => {
        const outcome = await outcomes.get(key(block, mode));
        if (!outcome) throw new Error('the tier set-up did not run this block (see the beforeAll failure)');
        if (!outcome.ok) throw new Error(outcome.message);
      });
    }
  }
});

describe.skipIf('skip' in chromium)('README blocks in Chromium', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if ('path' in chromium && inBrowser.length > 0) browser = await launchChromium(chromium.path);
  });
  afterAll(async () => {
    await browser?.close();
  });
  for (const block of inBrowser) {
    it(`${blockTitle(block)} [browser]`, async () => {
      if (!browser) throw new Error('Chromium did not start');
      const outcome = await runBrowserBlock(block, {
        project,
        checker,
        readmePath: readmePath(block),
        browser,
      });
      browserOutcomes.set(block, outcome);
      if (!outcome.ok) throw new Error(outcome.message);
    });
  }
});
if ('skip' in chromium) console.log(`[packages] browser blocks skipped: ${chromium.skip}`);

/** The type-checked files: each ts block padded so its lines are the README's, and the fixture. */
function typeFiles(): { name: string; source: string }[] {
  const files = typeChecked.map((b) => ({
    name: typeFileName(b),
    source: `${'\n'.repeat(b.line - 1)}${b.code}\n`,
  }));
  if (existsSync(consumerFixture)) {
    const target = join(project, 'types', 'consumer');
    mkdirSync(target, { recursive: true });
    cpSync(consumerFixture, target, { recursive: true });
    for (const f of readdirSync(consumerFixture).filter(
      (n) => /\.(m|c)?ts$/.test(n) && !n.endsWith('.d.ts'),
    )) {
      files.push({ name: `consumer/${f}`, source: readFileSync(join(consumerFixture, f), 'utf8') });
    }
  }
  return files;
}
const typeFileName = (b: Block) =>
  `${b.readme.replace(/\/README\.md$/, '').replace(/[^\w]+/g, '-')}-block-${b.index}.mts`;

/**
 * Errors in Firth's files (blocks, the consumer fixture, the packed packages' .d.ts) fail the
 * test; errors inside third-party declarations (TF.js's, langchain's under skipLibCheck false) are
 * printed and listed in the report, but are not Firth's to fix.
 */
const isFirthFile = (file: string) =>
  !file.startsWith('node_modules/') || published.some((p) => file.startsWith(`node_modules/${p.name}/`));

function firthErrors(result: TypeErrors): TypeErrors['byFile'] {
  return new Map([...result.byFile].filter(([file]) => isFirthFile(file)));
}

function thirdPartyNote(result: TypeErrors, zod: string): void {
  const files = [...result.byFile.keys()].filter((f) => !isFirthFile(f));
  if (files.length > 0)
    console.log(
      `[packages] zod ${zod}: type errors in third-party declarations (not failing):\n  ${files.join('\n  ')}`,
    );
}

function describeTypeErrors(byFile: TypeErrors['byFile']): string {
  const lines: string[] = [];
  for (const [file, errors] of byFile) {
    const block = typeChecked.find((b) => file.endsWith(typeFileName(b)));
    lines.push(block ? `${block.readme} (block ${block.index}; line numbers are the README's):` : `${file}:`);
    for (const e of errors.slice(0, 15)) lines.push(`  ${e}`);
    if (errors.length > 15) lines.push(`  … ${errors.length - 15} more`);
  }
  return lines.join('\n');
}

describe('types', () => {
  it(`README blocks and the consumer fixture type-check with zod ${ZOD3}`, async () => {
    const result = await typecheck(project, typeFiles());
    types.set('zod3', result);
    thirdPartyNote(result, ZOD3);
    const mine = firthErrors(result);
    if (mine.size > 0) throw new Error(`tsc found errors under zod ${ZOD3}:\n${describeTypeErrors(mine)}`);
  });

  it('README blocks and the consumer fixture type-check with zod 4', async () => {
    const swap = await npmInstall(project, ['zod@^4']);
    if (swap.code !== 0) throw new Error(`npm install zod@^4 failed:\n${swap.stderr}`);
    const zod = JSON.parse(
      readFileSync(join(project, 'node_modules', 'zod', 'package.json'), 'utf8'),
    ).version;
    expect(zod).toMatch(/^4\./);
    const result = await typecheck(project, typeFiles());
    types.set('zod4', result);
    thirdPartyNote(result, zod);
    const mine = firthErrors(result);
    if (mine.size > 0) throw new Error(`tsc found errors under zod ${zod}:\n${describeTypeErrors(mine)}`);
  });
});

function writeReport(): void {
  if (!project || packed.length === 0) return;
  mkdirSync(artifacts, { recursive: true });
  const count = (blocks: Block[], mode: string) => {
    const done = blocks.map((b) => settled.get(key(b, mode))).filter((o): o is BlockOutcome => !!o);
    return blocks.length === 0 ? '—' : `${done.filter((o) => o.ok).length}/${blocks.length}`;
  };
  const typeCell = (name: string, version: string) => {
    const r = types.get(version);
    if (!r) return 'not run';
    let errors = 0;
    for (const [file, list] of r.byFile) {
      const block = typeChecked.find((b) => file.endsWith(typeFileName(b)));
      if (block ? block.pkg === name : file.startsWith(`node_modules/${name}/`)) errors += list.length;
    }
    return errors === 0 ? 'ok' : `${errors} errors`;
  };
  const rows = packed.map((p) => {
    const name = p.pkg.name;
    const mine = (list: Block[]) => list.filter((b) => b.pkg === name);
    const browserBlocks = mine(inBrowser);
    const browserPass = browserBlocks.filter((b) => browserOutcomes.get(b)?.ok).length;
    const shownOnly = allBlocks.filter(
      (b) => b.pkg === name && (has(b, 'no-check') || has(b, 'needs-network')),
    );
    const asserted = mine(allBlocks).reduce((sum, b) => {
      try {
        return sum + rewriteAssertions(b).assertions.length;
      } catch {
        return sum;
      }
    }, 0);
    return [
      `\`${name}\``,
      formatBytes(p.bytes),
      formatBytes(installClosureBytes(project, name)),
      count(mine(runnable), 'esm'),
      count(mine(runnable), 'cjs'),
      typeCell(name, 'zod3'),
      typeCell(name, 'zod4'),
      browserBlocks.length === 0 ? '—' : `${browserPass}/${browserBlocks.length}`,
      String(asserted),
      String(shownOnly.length),
    ];
  });
  const other = (version: string) => {
    const r = types.get(version);
    if (!r) return [];
    return [...r.byFile.keys()].filter(
      (f) =>
        !typeChecked.some((b) => f.endsWith(typeFileName(b))) &&
        !packed.some((p) => f.startsWith(`node_modules/${p.pkg.name}/`)),
    );
  };
  const failures = [...settled.entries()].filter(([, o]) => !o.ok);
  const slowest = [...settled.entries()].sort(([, a], [, b]) => b.ms - a.ms).slice(0, 5);
  const md = [
    '# Package tier report',
    '',
    `Generated by \`test/src/packages/packages.int.test.ts\` on ${new Date().toISOString()}: ESM with Node ${process.version}, CommonJS with Node ${commonJsNode().version}, tsc strict nodenext (skipLibCheck false).`,
    '',
    '| package | tarball | install (package + its dependencies) | README ESM | README CJS | types zod 3 | types zod 4 | browser | `// →` lines | not run (needs-network / no-check) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `All tarballs installed together: ${formatBytes(installBytes)} of node_modules (with zod, @langchain/core, langchain, @types/node). Pack + install took ${(setupMs / 1000).toFixed(0)} s; the tier ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    'Install sizes per package are the package and everything npm installs for it (dependencies and required peers, the whole closure) measured in the shared install (disk usage, as `du`).',
    '',
    ...(other('zod3').length + other('zod4').length > 0
      ? [
          'Type errors outside the blocks and the packed packages (the consumer fixture fails the test; third-party declarations do not):',
          '',
          ...[...new Set([...other('zod3'), ...other('zod4')])].map((f) => `- ${f}`),
          '',
        ]
      : []),
    `Slowest block runs: ${slowest.map(([k, o]) => `${k} ${(o.ms / 1000).toFixed(1)} s`).join(', ')}.`,
    '',
    `## Failed blocks (${failures.length})`,
    '',
    ...failures.map(([k, o]) => `### ${k}\n\n\`\`\`\n${o.message.slice(0, 3000)}\n\`\`\`\n`),
  ];
  writeFileSync(join(artifacts, 'report.md'), md.join('\n'));
  console.log(`[packages] report: ${relative(root, join(artifacts, 'report.md'))}`);
}
