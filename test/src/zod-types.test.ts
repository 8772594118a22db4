/**
 * The tools' emitted types hold with zod 3 and zod 4 (issue 15). The packages' peer range is
 * `zod: ^3.25.0 || ^4.0.0` and npm picks zod 4, where the bare `zod` import is zod 4's API:
 * declarations that spell `z.ZodObject<…, "strip", …>` or `z.ZodEffects` from `zod` stop compiling
 * there (82 errors), and with `skipLibCheck` every tool's arguments silently become `any`. So the
 * schemas are built with `zod/v3`, the API zod 3.25+ and zod 4 both ship under that name.
 *
 * Here the tool modules of @firth/langchain and @firth/agents are compiled to declarations (in
 * memory), and the declarations type-checked twice: as the workspace installs them (zod 3), and
 * with `zod` mapped to `zod/v4` — zod 4's API, which zod 3.25 ships under that name — as a consumer
 * with zod 4 reads them. A check beside them proves each schema's output type is not `any`.
 * test/fixtures/consumer-types/index.mts (ESM) does the same for the packed tarballs (the package tier).
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The .d.ts of `files`, compiled from source as `tsc` builds the package (keyed by source path). */
function declarations(packageDir: string, files: string[]): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(packageDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`no tsconfig in ${packageDir}`);
  // the package's own options, resolving its workspace dependencies to their built .d.ts
  const options: ts.CompilerOptions = {
    ...config.options,
    customConditions: [],
    noEmit: false,
    declaration: true,
    declarationMap: false,
    emitDeclarationOnly: true,
  };
  const out = new Map<string, string>();
  const program = ts.createProgram(files, options);
  const emitted = program.emit(undefined, (name, text) => {
    if (name.endsWith('.d.ts')) out.set(name.replace(/\.d\.ts$/, '.ts'), text);
  });
  const errors = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, formatHost));
  return out;
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
};

/**
 * Type-checks the declarations as source files (so skipLibCheck cannot hide them), `zod` resolving
 * to `zodTypes`; with a check that every exported `…Schema` has a precise (not `any`) output.
 */
function typeErrors(packageDir: string, decls: Map<string, string>, zodTypes?: string): string[] {
  const schemas = [...decls].flatMap(([file, text]) =>
    [...text.matchAll(/export declare const (\w+Schema):/g)].map((m) => ({ file, name: m[1]! })),
  );
  const checkFile = join(packageDir, 'src', '__zod_types_check__.ts');
  const check = [
    'type IsAny<T> = 0 extends 1 & T ? true : false;',
    ...schemas.map(({ file, name }, i) => {
      const from = `./${file.slice(join(packageDir, 'src').length + 1).replace(/\.ts$/, '.js')}`;
      return `import { ${name} as s${i} } from '${from}';\nexport const c${i}: IsAny<(typeof s${i})['_output']> = false;`;
    }),
  ].join('\n');
  const sources = new Map([...decls, [checkFile, check]]);
  const options: ts.CompilerOptions = {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    ...(zodTypes && { baseUrl: packageDir, paths: { zod: [zodTypes] } }),
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => sources.has(f) || fileExists.call(host, f);
  host.readFile = (f) => sources.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = sources.get(f);
    return text === undefined
      ? getSourceFile.call(host, f, language, ...rest)
      : ts.createSourceFile(f, text, language, true);
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  expect(schemas.length).toBeGreaterThan(0);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, formatHost).trim());
}

const toolPackages = [
  { name: '@firth/langchain', dir: join(root, 'packages/langchain'), folder: 'src/tools' },
  { name: '@firth/agents', dir: join(root, 'packages/agents'), folder: 'src' },
];

describe.each(toolPackages)('$name: the tools’ declarations', ({ dir, folder }) => {
  const files = readdirSync(join(dir, folder))
    .filter((f) => f.endsWith('.ts') && !f.includes('.test'))
    .map((f) => join(dir, folder, f));
  const decls = declarations(dir, files);
  // zod 4's API as zod 3.25 ships it: what the bare `zod` import is for a consumer with zod 4
  const zod4 = createRequire(join(dir, 'package.json'))
    .resolve('zod/v4')
    .replace(/\.c?js$/, '.d.ts');

  it('spell zod through zod/v3 only, never the bare `zod` (whose API zod 4 changed)', () => {
    const bare = [...decls].filter(([, text]) => /from ['"]zod['"]|import\(['"]zod['"]\)/.test(text));
    expect(bare.map(([file]) => file)).toEqual([]);
    expect([...decls.values()].some((text) => text.includes("from 'zod/v3'"))).toBe(true);
  });

  it('type-check with zod 3, each schema precise (not any)', () => {
    expect(typeErrors(dir, decls)).toEqual([]);
  });

  it('type-check with zod 4, each schema precise (not any)', () => {
    expect(typeErrors(dir, decls, zod4)).toEqual([]);
  });
});

// The public declarations of modules that are not about Node name no Node type, so a consumer
// without @types/node (a browser bundle, a Deno or edge project) type-checks them.
const nodeFree = [
  { dir: join(root, 'packages/llm'), file: 'src/config.ts' },
  { dir: join(root, 'packages/transformers'), file: 'src/hf-checkpoint.ts' },
  { dir: join(root, 'packages/embeddings'), file: 'src/vector-file.ts' },
];

it.each(nodeFree)('$file declares no Node type (NodeJS.*, Buffer, node:*)', ({ dir, file }) => {
  const decls = declarations(dir, [join(dir, file)]);
  const text = decls.get(join(dir, file));
  expect(text).toBeDefined();
  expect(text!.match(/NodeJS\.\w+|\bBuffer\b|['"]node:[\w/]+['"]/g)).toBeNull();
});
