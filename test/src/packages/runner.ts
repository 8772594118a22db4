/**
 * Runs README blocks (readme-blocks.ts) inside an install project: as ESM with this process's
 * Node, as CommonJS with the system Node (≥ 20.19), in headless Chromium, and through `tsc`.
 * Each run gives a `BlockOutcome` whose `message` says what failed: the README line of a failed
 * `// →` with expected and actual, the block's stderr, its exit code.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { cleanEnv, run, supportedSystemNode } from './install.ts';
import { type Block, compileBlock } from './readme-blocks.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface Checker {
  esm: string;
  cjs: string;
  /** The checker's file for esbuild bundles (browser). */
  file: string;
}

/** The checker (check.ts) built into `project/.firth-check/` as check.mjs and check.cjs. */
export async function prepareChecker(project: string): Promise<Checker> {
  const out = join(project, '.firth-check');
  mkdirSync(out, { recursive: true });
  const entry = join(here, 'check.ts');
  for (const format of ['esm', 'cjs'] as const) {
    await build({
      entryPoints: [entry],
      outfile: join(out, format === 'esm' ? 'check.mjs' : 'check.cjs'),
      bundle: true,
      format,
      platform: 'neutral',
      target: 'es2022',
      logLevel: 'silent',
    });
  }
  return {
    esm: pathToFileURL(join(out, 'check.mjs')).href,
    cjs: join(out, 'check.cjs'),
    file: join(out, 'check.mjs'),
  };
}

/** The Node that runs CommonJS blocks: the system's (a clean machine's) when it is ≥ 20.19, else this one. */
export function commonJsNode(): { path: string; version: string } {
  return supportedSystemNode() ?? { path: process.execPath, version: process.version };
}

export interface BlockOutcome {
  ok: boolean;
  message: string;
  ms: number;
}

let counter = 0;
function slug(block: Block): string {
  counter += 1;
  return `${block.pkg.replace(/^@/, '').replace(/[^\w]+/g, '-')}-${block.index}-${counter}`;
}

interface Summary {
  checks: number;
  failures: string[];
}

function summaryOf(stdout: string): Summary | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('firth-check {'));
  return line ? (JSON.parse(line.slice('firth-check '.length)) as Summary) : undefined;
}

const tail = (s: string, n = 4000) => (s.length > n ? `…${s.slice(-n)}` : s);

/**
 * Runs one block in Node: `mode` ESM (`block.mjs`, this Node) or CommonJS (`block.cjs`,
 * `commonJsNode()`), with a fresh empty folder as the working folder.
 */
export async function runNodeBlock(
  block: Block,
  mode: 'esm' | 'cjs',
  options: { project: string; scratch: string; checker: Checker; readmePath: string; timeoutMs?: number },
): Promise<BlockOutcome> {
  const where = `${block.readme}:${block.line} (block ${block.index}, ${mode === 'esm' ? 'ESM' : 'CommonJS'})`;
  let compiled: Awaited<ReturnType<typeof compileBlock>>;
  try {
    compiled = await compileBlock(block, options.checker, options.readmePath);
  } catch (error) {
    return { ok: false, message: `${where}: the block does not compile: ${(error as Error).message}`, ms: 0 };
  }
  const dir = join(options.project, 'blocks');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${slug(block)}.${mode === 'esm' ? 'mjs' : 'cjs'}`);
  writeFileSync(file, mode === 'esm' ? compiled.esm : compiled.cjs);
  const cwd = mkdtempSync(join(options.scratch, 'cwd-'));
  const node = mode === 'esm' ? { path: process.execPath, version: process.version } : commonJsNode();
  const r = await run(node.path, ['--enable-source-maps', file], {
    cwd,
    env: cleanEnv(),
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  const summary = summaryOf(r.stdout);
  const problems: string[] = [];
  if (r.timedOut) problems.push(`timed out after ${options.timeoutMs ?? 60_000} ms`);
  else if (r.code !== 0) problems.push(`exit code ${r.code}${r.signal ? ` (${r.signal})` : ''}`);
  if (summary) {
    problems.push(...summary.failures);
    if (summary.checks < compiled.assertions.length) {
      problems.push(`only ${summary.checks} of the ${compiled.assertions.length} "// →" assertions ran`);
    }
  } else if (!r.timedOut) problems.push('the block did not finish (no checker summary)');
  const ms = r.ms;
  if (problems.length === 0)
    return { ok: true, message: `${where}: ${compiled.assertions.length} assertions`, ms };
  return {
    ok: false,
    message:
      `${where} with Node ${node.version} failed:\n- ${problems.join('\n- ')}\n` +
      `--- stderr ---\n${tail(r.stderr)}\n--- stdout ---\n${tail(r.stdout.replace(/^firth-check \{.*$/m, ''), 1500)}\n--- ran ${relative(options.project, file)} in ${cwd}`,
    ms,
  };
}

/**
 * Bundles a `browser` block with esbuild (platform browser, conditions browser, ESM) against the
 * install project and runs it in a page of `browser`; the page reports through `window.__result`.
 */
export async function runBrowserBlock(
  block: Block,
  options: { project: string; checker: Checker; readmePath: string; browser: Browser; timeoutMs?: number },
): Promise<BlockOutcome & { bundleBytes?: number }> {
  const started = Date.now();
  const where = `${block.readme}:${block.line} (block ${block.index}, browser)`;
  let code: string;
  let assertions: number;
  try {
    const compiled = await compileBlock(
      block,
      { esm: options.checker.file, cjs: options.checker.cjs },
      options.readmePath,
    );
    assertions = compiled.assertions.length;
    const bundled = await build({
      stdin: {
        contents: compiled.esm,
        resolveDir: join(options.project, 'blocks'),
        sourcefile: `${slug(block)}.mjs`,
        loader: 'js',
      },
      bundle: true,
      write: false,
      platform: 'browser',
      conditions: ['browser'],
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
    });
    code = bundled.outputFiles[0]?.text ?? '';
  } catch (error) {
    return {
      ok: false,
      message: `${where}: esbuild could not bundle it for a browser:\n${(error as Error).message}`,
      ms: Date.now() - started,
    };
  }
  const page = await options.browser.newPage();
  const errors: string[] = [];
  const console: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  await page.route('http://firth.test/**', (route) => {
    const url = route.request().url();
    if (url.endsWith('/bundle.js')) return route.fulfill({ body: code, contentType: 'text/javascript' });
    return route.fulfill({
      body: '<!doctype html><meta charset="utf-8"><title>firth</title><script type="module" src="bundle.js"></script>',
      contentType: 'text/html',
    });
  });
  let summary: Summary | undefined;
  try {
    await page.goto('http://firth.test/index.html');
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while (!summary && errors.length === 0 && Date.now() < deadline) {
      summary = (await page.evaluate(() => (globalThis as { __result?: Summary }).__result)) ?? undefined;
      if (!summary) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await page.close();
  }
  const problems = [...errors.map((e) => `page error: ${e}`), ...(summary?.failures ?? [])];
  if (!summary && errors.length === 0) problems.push('the page did not finish (no window.__result)');
  if (summary && summary.checks < assertions) {
    problems.push(`only ${summary.checks} of the ${assertions} "// →" assertions ran`);
  }
  const ms = Date.now() - started;
  if (problems.length === 0)
    return { ok: true, message: `${where}: ${assertions} assertions`, ms, bundleBytes: code.length };
  return {
    ok: false,
    message: `${where} in Chromium failed:\n- ${problems.join('\n- ')}\n--- console ---\n${tail(console.join('\n'))}`,
    ms,
    bundleBytes: code.length,
  };
}

export interface TypeErrors {
  ok: boolean;
  /** file (relative to the types folder, or `node_modules/...`) → error lines */
  byFile: Map<string, string[]>;
  output: string;
  ms: number;
}

/** `tsc --noEmit` (strict, nodenext, skipLibCheck false) over `files` written into `project/types`. */
export async function typecheck(
  project: string,
  files: { name: string; source: string }[],
): Promise<TypeErrors> {
  const dir = join(project, 'types');
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.name)), { recursive: true });
    writeFileSync(join(dir, f.name), f.source);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023', 'dom'],
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: files.map((f) => f.name),
      },
      null,
      2,
    ),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: dir,
    env: cleanEnv(),
    timeoutMs: 300_000,
  });
  const byFile = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    if (!m) continue;
    const file = (m[1] as string).replace(/^(\.\.\/)+/, '');
    const list = byFile.get(file) ?? [];
    list.push(`${m[2]}:${m[3]} ${m[4]}`);
    byFile.set(file, list);
  }
  const ok = r.code === 0;
  if (!ok && byFile.size === 0) byFile.set('(tsc)', [tail(`${r.stdout}${r.stderr}`)]);
  return { ok, byFile, output: r.stdout + r.stderr, ms: r.ms };
}
