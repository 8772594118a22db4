/**
 * The stack, declared once and checked: every workspace package has a place in STACK, and a
 * package depends on (package.json: dependencies, devDependencies, peerDependencies,
 * optionalDependencies) and imports (every source, test, benchmark and script file: static,
 * dynamic, type-only, re-exports, require, and relative paths that reach into another package)
 * only packages placed before it. So core packages never reach an adapter or an application, and
 * adapters never reach an application — a failure names the file and the import.
 *
 * Reads the repository only; builds nothing.
 */
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/node-types.js';
import { moduleReferences, packageOf, walk, workspace } from './workspace.js';

/**
 * The intended stack, bottom first. A package may use only the packages above it in this list.
 *
 * - core: the course, each lesson implemented once (numbers → engine → models → LLM, RAG). LLM and
 *   RAG speak LangChain's types (@langchain/core is their host library), so the LangChain classes
 *   they need live in them: FirthChatModel in @firth/llm, the Embeddings in @firth/rag.
 * - adapters: Firth in a host's types, thin — @firth/langchain (tools, and the chat model and
 *   embeddings re-exported from core), n8n-nodes-firth.
 * - applications: built on core and adapters — the HTTP server; @firth/agents (a LangChain agent
 *   over the tools of @firth/langchain, tested against that server); the n8n host; the CLI.
 */
export const STACK = [
  { layer: 'core', packages: ['@firth/numeric', '@firth/tensor', '@firth/plot', '@firth/datasets'] },
  { layer: 'core', packages: ['@firth/neural', '@firth/deep', '@firth/embeddings', '@firth/transformers'] },
  { layer: 'core', packages: ['@firth/llm', '@firth/rag', '@firth/pipelines'] },
  { layer: 'adapter', packages: ['@firth/langchain', 'n8n-nodes-firth'] },
  {
    layer: 'application',
    packages: ['@firth/server', '@firth/agents', '@firth/playground', '@firth/n8n-host', '@firth/cli'],
  },
] as const;

/** Each package's place: its index in the flattened STACK, and its layer. */
const place = new Map<string, { rank: number; layer: string }>(
  STACK.flatMap(({ layer, packages }) => packages.map((name) => ({ name, layer }))).map(
    ({ name, layer }, rank) => [name, { rank, layer }],
  ),
);

const dirOf = new Map(workspace.map((p) => [p.json.name, join(repoRoot, p.dir)]));

/** Every TypeScript and JavaScript file of a package, tests, benchmarks and scripts included. */
const filesOf = (dir: string): string[] =>
  walk(join(repoRoot, dir)).filter(
    (f) => /\.(ts|mts|cts|tsx|js|mjs|cjs)$/.test(f) && !/\.d\.[mc]?ts$/.test(f),
  );

/** Every module specifier a file names: import/export from, import(), import type, require(). */
export const specifiersOf = (file: string, text?: string): string[] =>
  moduleReferences(file, text).map((r) => r.specifier);

/** The workspace package a specifier reaches from `file`, if any (bare name or relative path into it). */
function workspacePackageOf(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = resolve(file, '..', specifier);
    for (const [name, dir] of dirOf) if (target === dir || target.startsWith(`${dir}/`)) return name;
    return undefined;
  }
  const pkg = packageOf(specifier);
  return dirOf.has(pkg) ? pkg : undefined;
}

/** Why `from` may not use `to`, or undefined when it may. */
function violation(from: string, to: string): string | undefined {
  const a = place.get(from);
  const b = place.get(to);
  if (!a || !b || to === from) return undefined;
  if (b.rank < a.rank) return undefined;
  return `${a.layer} ${from} may not use ${b.layer} ${to} (placed above it in STACK)`;
}

describe('the stack: a package uses only the packages below it', () => {
  it('every workspace package has exactly one place in STACK', () => {
    const names = STACK.flatMap((l) => [...l.packages]);
    expect(names.length, 'a package is placed twice').toBe(new Set(names).size);
    expect(workspace.map((p) => p.json.name).sort()).toEqual([...names].sort());
  });

  it.each(workspace.map((p) => [p.json.name, p] as const))('%s: package.json', (name, { dir, json }) => {
    const bad: string[] = [];
    for (const field of [
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ] as const)
      for (const dep of Object.keys(json[field] ?? {})) {
        const why = violation(name, dep);
        if (why) bad.push(`${dir}/package.json ${field}: ${dep} — ${why}`);
      }
    expect(bad).toEqual([]);
  });

  it.each(workspace.map((p) => [p.json.name, p] as const))('%s: imports', (name, { dir }) => {
    const bad: string[] = [];
    for (const file of filesOf(dir))
      for (const specifier of specifiersOf(file)) {
        const target = workspacePackageOf(file, specifier);
        const why = target && violation(name, target);
        if (why) bad.push(`${relative(repoRoot, file)}: '${specifier}' — ${why}`);
      }
    expect(bad).toEqual([]);
  });
});

describe('the checker finds what it must', () => {
  it('reads static, dynamic, type-only, re-export and require specifiers', () => {
    const text = [
      "import { a } from '@firth/a';",
      "import type { B } from '@firth/b';",
      "export { c } from '@firth/c';",
      "const d = await import('@firth/d');",
      "const e = require('@firth/e');",
      "type F = import('@firth/f').F;",
      "import '@firth/g/side-effect';",
    ].join('\n');
    expect(specifiersOf('x.ts', text)).toEqual([
      '@firth/a',
      '@firth/b',
      '@firth/c',
      '@firth/d',
      '@firth/e',
      '@firth/f',
      '@firth/g/side-effect',
    ]);
  });

  it('refuses a core package using an adapter or an application, and an adapter using an application', () => {
    expect(violation('@firth/llm', '@firth/langchain')).toMatch(/core @firth\/llm may not use adapter/);
    expect(violation('@firth/rag', '@firth/server')).toMatch(/may not use application/);
    expect(violation('@firth/server', '@firth/agents')).toMatch(/above it/);
    expect(violation('@firth/langchain', '@firth/agents')).toMatch(/adapter .* may not use application/);
    expect(violation('@firth/numeric', '@firth/tensor')).toMatch(/above it/);
    expect(violation('@firth/llm', '@firth/rag')).toMatch(/above it/);
    expect(violation('@firth/agents', '@firth/langchain')).toBeUndefined();
    expect(violation('@firth/transformers', '@firth/tensor')).toBeUndefined();
  });

  it('finds a relative import that reaches into another package', () => {
    const file = join(repoRoot, 'packages/rag/src/x.ts');
    expect(workspacePackageOf(file, '../../langchain/src/index.js')).toBe('@firth/langchain');
    expect(workspacePackageOf(file, './bm25.js')).toBe('@firth/rag');
    expect(workspacePackageOf(file, '../../../scripts/bench/peer.js')).toBeUndefined();
  });
});
