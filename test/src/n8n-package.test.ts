/**
 * The community-node package as `npm pack` makes it: the tarball n8n's installer downloads.
 *
 * - at most 20 MB packed, and no source map that carries the sources;
 * - every file the code needs at run time is inside: the files package.json names, what the
 *   bundles require, their icons, and every entry of packages/n8n-nodes-firth/runtime-files.mjs;
 * - the large optional parts (RUNTIME_PACKAGES) are `dependencies` at the versions the workspace
 *   builds against, so n8n's installer fetches them;
 * - unpacked alone (no node_modules, nowhere near the repository), the shared core finds its wasm
 *   binaries and data inside the package and loads them.
 *
 * Builds nothing: run `node build.mjs` in packages/n8n-nodes-firth first (a stale dist/ fails here).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firthNodesDir, staleBuild } from './harness/node-types.js';

const { CORE_FILE, OPTIONAL_PACKAGES, RUNTIME_FILES, RUNTIME_PACKAGES } = (await import(
  join(firthNodesDir, 'runtime-files.mjs')
)) as {
  CORE_FILE: string;
  RUNTIME_FILES: { from: string; to: string; files?: RegExp }[];
  RUNTIME_PACKAGES: string[];
  OPTIONAL_PACKAGES: string[];
};

const LIMIT_BYTES = 20_000_000;

interface Packed {
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

let work: string;
let packed: Packed;
let unpacked: string; // <work>/package, the tarball's contents
let files: Set<string>; // paths inside the tarball, relative to package/

beforeAll(() => {
  const stale = staleBuild(firthNodesDir);
  if (stale) throw new Error(stale);
  work = mkdtempSync(join(tmpdir(), 'firth-package-test-'));
  const stdout = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--loglevel=error', `--pack-destination=${work}`],
    { cwd: firthNodesDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const [result] = JSON.parse(stdout.slice(stdout.indexOf('['))) as (Packed & { filename: string })[];
  if (!result) throw new Error(`npm pack printed nothing: ${stdout}`);
  packed = result;
  files = new Set(result.files.map((f) => f.path));
  execFileSync('tar', ['-xzf', join(work, result.filename), '-C', work]);
  unpacked = join(work, 'package');
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the n8n-nodes-firth tarball', () => {
  it('is at most 20 MB packed', () => {
    expect(packed.size).toBeLessThanOrEqual(LIMIT_BYTES);
    // the whole tarball is the package: no stray folder
    const top = new Set(['package.json', 'README.md', 'LICENSE']);
    expect([...files].filter((f) => !top.has(f) && !f.startsWith('dist/'))).toEqual([]);
  });

  it('holds no source map with sources, and no bundle points at a map', () => {
    for (const file of [...files].filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(join(unpacked, file), 'utf8')) as { sourcesContent?: unknown };
      expect(map.sourcesContent, file).toBeUndefined();
    }
    for (const file of [...files].filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(unpacked, file), 'utf8');
      expect(code, file).not.toMatch(/\/\/# sourceMappingURL=/);
    }
  });

  it('holds every node and credential package.json names, with the icons they point at', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
      n8n: { nodes: string[]; credentials: string[] };
    };
    const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
    expect(entries.length).toBeGreaterThan(20);
    for (const entry of entries) {
      expect(files, entry).toContain(entry);
      const code = readFileSync(join(unpacked, entry), 'utf8');
      for (const [, icon] of code.matchAll(/["'`]file:([^"'`]+)["'`]/g)) {
        expect(files, `${entry} → ${icon}`).toContain(posix.join(posix.dirname(entry), icon!));
      }
    }
  });

  it('holds every file a bundle requires by path, the shared core among them', () => {
    const bundles = [...files].filter((f) => f.endsWith('.js'));
    const required = new Set<string>();
    for (const bundle of bundles) {
      const code = readFileSync(join(unpacked, bundle), 'utf8');
      for (const [, path] of code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        const target = posix.normalize(posix.join(posix.dirname(bundle), path!));
        expect(files, `${bundle} requires ${path}`).toContain(target);
        required.add(target);
      }
    }
    expect(required).toContain(`dist/${CORE_FILE}`);
  });

  it('holds every runtime file of runtime-files.mjs', () => {
    expect(RUNTIME_FILES.length).toBeGreaterThan(0);
    for (const { from, to, files: pick } of RUNTIME_FILES) {
      if (statSync(from).isFile()) {
        expect(files, `dist/${to}`).toContain(`dist/${to}`);
        continue;
      }
      const expected = pick
        ? readdirSync(from).filter((f) => pick.test(f) && statSync(join(from, f)).isFile())
        : (readdirSync(from, { recursive: true }) as string[]).filter((f) =>
            statSync(join(from, f)).isFile(),
          );
      expect(expected.length, `${from} has files`).toBeGreaterThan(0);
      for (const f of expected) {
        const inTarball = posix.join('dist', to, f.split('\\').join('/'));
        expect(files, inTarball).toContain(inTarball);
      }
    }
  });

  it('leaves the runtime packages to npm: dependencies at the versions the workspace builds against', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    // what pnpm installed for the workspace build (a direct dependency of the package)
    const expected = Object.fromEntries(
      RUNTIME_PACKAGES.map((name) => {
        const manifest = join(firthNodesDir, 'node_modules', name, 'package.json');
        return [name, (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version];
      }),
    );
    expect(pkg.dependencies).toEqual(expected);
    // and none of them is shipped inside the tarball
    for (const name of RUNTIME_PACKAGES) {
      expect([...files].some((f) => f.includes(`node_modules/${name}/`))).toBe(false);
    }
  });
});

describe('the optional packages (node-llama-cpp)', () => {
  it('are neither dependencies nor inside the tarball; without one, its feature says what to install', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(OPTIONAL_PACKAGES).toEqual(['node-llama-cpp']);
    for (const name of OPTIONAL_PACKAGES) {
      expect(Object.keys(pkg.dependencies ?? {})).not.toContain(name);
      expect([...files].some((f) => f.includes(`node_modules/${name}/`))).toBe(false);
    }
  });
});

describe('the unpacked package, alone', () => {
  /**
   * Runs a CommonJS script in a child Node whose only Firth code is the unpacked core (argv[2]);
   * its last line of output is JSON. (A file, not `node -e`: tfjs-backend-wasm's loader never
   * settles under -e.)
   */
  function runAlone(script: string): unknown {
    const file = join(work, `alone-${Math.random().toString(36).slice(2)}.cjs`);
    writeFileSync(file, script);
    const out = execFileSync(process.execPath, [file, join(unpacked, 'dist', CORE_FILE)], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: work },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 110_000,
    });
    return JSON.parse(out.trim().split('\n').at(-1) ?? 'null');
  }

  it('a GGUF model without node-llama-cpp: the Firth error naming the install command', () => {
    const result = runAlone(`
      const core = require(process.argv[2]);
      core['@firth/llm'].loadGgufModel('/nowhere/model.gguf').then(
        () => console.log(JSON.stringify('loaded')),
        (e) => console.log(JSON.stringify({ name: e.name, message: e.message })),
      );
    `);
    expect(result).toEqual({
      name: 'LlmError',
      message:
        'a GGUF model (llama.cpp) needs the optional package node-llama-cpp: npm install node-llama-cpp@3.22.1',
    });
  });

  it('finds the wasm binaries and the shipped data inside itself, and loads them', () => {
    const dataFolders = RUNTIME_FILES.filter((f) => f.to.startsWith('firth-data/')).map((f) =>
      f.to.slice('firth-data/'.length),
    );
    const result = runAlone(`
      const core = require(process.argv[2]);
      const { dataPath, loadTinyShakespeare } = core['@firth/datasets'];
      const { initBackend, findWasmDir, loadMl5CharLSTM } = core['@firth/deep'];
      const { loadPretrained } = core['@firth/embeddings'];
      const { loadTinyBert, loadLlama2c } = core['@firth/transformers'];
      const { loadCourseNotes } = core['@firth/rag'];
      (async () => {
        const backend = await initBackend({ backend: 'wasm' });
        const glove = await loadPretrained('glove-6b-100d-top20k');
        const bert = await loadTinyBert();
        const llama = await loadLlama2c();
        const lstm = await loadMl5CharLSTM();
        const notes = await loadCourseNotes();
        console.log(JSON.stringify({
          backend,
          wasmDir: findWasmDir(),
          data: ${JSON.stringify(dataFolders)}.map((rel) => dataPath(rel)),
          shakespeare: loadTinyShakespeare().length,
          glove: glove.vectorSize,
          sentiment: bert.classifier.predict(['a wonderful , moving film'])[0],
          llama: llama.config,
          lstm: lstm.hiddenSize,
          notes: notes.length,
        }));
        process.exit(0); // the wasm backend keeps the event loop alive
      })().catch((error) => { console.error(error); process.exit(1); });
    `) as Record<string, unknown>;
    const inside = (path: unknown) => typeof path === 'string' && relative(unpacked, path).startsWith('dist');
    expect(result['backend']).toBe('wasm');
    expect(inside(result['wasmDir']), String(result['wasmDir'])).toBe(true);
    for (const path of result['data'] as string[]) expect(inside(path), path).toBe(true);
    expect(result['shakespeare']).toBe(1_115_394);
    expect(result['glove']).toBe(100);
    expect(result['sentiment']).toMatchObject({ label: 'positive' });
    expect(result['llama']).toMatchObject({ dim: 64, vocabSize: 512 });
    expect(result['lstm']).toBe(128);
    expect(result['notes']).toBeGreaterThan(10);
  }, 120_000);

  it('asks for the npm package, by name, when USE-lite is picked and it is not installed', () => {
    const result = runAlone(`
      const core = require(process.argv[2]);
      try {
        core['@firth/deep'].findUseLiteDir();
        console.log(JSON.stringify('found'));
      } catch (error) {
        console.log(JSON.stringify(error.message));
      }
    `);
    expect(result).toMatch(/@energetic-ai\/model-embeddings-en/);
  });
});
