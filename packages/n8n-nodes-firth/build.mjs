// Builds the community-node package n8n installs (`npm pack` of this folder):
//
//   dist/firth-core.js           ONE CommonJS bundle of everything the nodes share: the @firth packages,
//                                TensorFlow.js, LangChain core, nodes/shared/*. n8n requires every node
//                                file at start-up; they all require this one file, so each library in
//                                it is loaded and initialised once per n8n process (one TF.js engine,
//                                one set of registered kernels, one model cache).
//   dist/nodes/X/X.node.js       one small bundle per node, and dist/credentials/*.js: the node's own
//                                code. Its imports of shared code (a package, or nodes/shared/*) become
//                                `require('../../firth-core.js')['<specifier>']`; `n8n-workflow` stays
//                                external because n8n provides it.
//   icons, codex files           copied next to each node, where n8n reads them.
//   RUNTIME_FILES                what the core reads from disk at run time (runtime-files.mjs).
//
// No source maps: n8n does not run Node with --enable-source-maps, so a map is never read at run
// time, and a map with its sources is the whole repository again (79 MB of the old 65 MB tarball).
// The bundles are not minified, so a stack trace still names real functions and readable code; the
// sources live in the repository.
//
// Large third-party parts used by one optional feature each (USE-lite's weights, GPT-4o's tokenizer,
// pdf.js: RUNTIME_PACKAGES) are not bundled: they are `dependencies` that n8n's installer fetches
// beside this package, read from node_modules only when that feature runs.
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CORE_FILE, OPTIONAL_PACKAGES, RUNTIME_FILES, RUNTIME_PACKAGES } from './runtime-files.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Provided by n8n: never bundled. */
const N8N_PROVIDED = ['n8n-workflow'];

const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((out) => ({
  in: join(root, out.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
  out: out.replace(/^dist\//, '').replace(/\.js$/, ''),
}));

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: N8N_PROVIDED,
  conditions: ['firth-source'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // ESM sources that locate files via import.meta.url get the bundle's own URL
  banner: { js: "const __firthImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__firthImportMetaUrl' },
};

/**
 * The key under which the core exports a module a node imports, or undefined when the node keeps
 * the import itself: bare specifiers (packages) except n8n's own and Node's built-ins, and files
 * under nodes/shared/ (as `nodes/shared/<name>`).
 */
function coreKey(specifier, resolved) {
  if (N8N_PROVIDED.includes(specifier) || specifier.startsWith('node:')) return undefined;
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
    return isBuiltin(specifier) ? undefined : specifier;
  }
  const rel = relative(root, resolved).split(sep).join('/');
  return rel.startsWith('nodes/shared/') ? rel.replace(/\.ts$/, '') : undefined;
}

/** Where the bundle of an importer in nodes/X/… or credentials/… ends up, relative to dist/. */
function outputDirOf(importer) {
  const parts = relative(root, importer).split(sep);
  if (parts[0] === 'nodes' && parts.length >= 3) return parts.slice(0, 2).join('/');
  if (parts[0] === 'credentials') return 'credentials';
  throw new Error(`build.mjs: no output folder for ${importer}`);
}

// 1. The node and credential bundles. Every shared import becomes a one-line module that takes the
//    export from the core; the specifiers seen are collected for step 2.
const shared = new Map(); // key → what the core requires: the package name, or the file's path
const toCore = {
  name: 'firth-core',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === 'entry-point' || args.pluginData?.firthCore) return undefined;
      if (args.namespace === 'firth-core') return { path: args.path, external: true };
      if (N8N_PROVIDED.includes(args.path)) return undefined;
      const result = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { firthCore: true },
      });
      if (result.errors.length > 0) return { errors: result.errors };
      const key = coreKey(args.path, result.path);
      if (!key) return result;
      shared.set(key, key === args.path ? args.path : result.path);
      const core = relative(outputDirOf(args.importer), CORE_FILE).split(sep).join('/');
      return { path: `${core.startsWith('.') ? core : `./${core}`}#${key}`, namespace: 'firth-core' };
    });
    b.onLoad({ filter: /.*/, namespace: 'firth-core' }, (args) => {
      const [core, key] = args.path.split('#');
      return { contents: `module.exports = require(${JSON.stringify(core)})[${JSON.stringify(key)}];` };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
await build({ ...common, entryPoints: entries, outdir: dist, plugins: [toCore] });

// 2. The core: one getter per key, so a node that is loaded initialises only what it imports, and
//    every node gets the same instance.
const keys = [...shared.keys()].sort();
const coreSource = [
  "'use strict';",
  'const cache = new Map();',
  'const modules = {',
  ...keys.map((key) => `  ${JSON.stringify(key)}: () => require(${JSON.stringify(shared.get(key))}),`),
  '};',
  'for (const [key, load] of Object.entries(modules)) {',
  '  Object.defineProperty(exports, key, {',
  '    enumerable: true,',
  '    get() {',
  '      if (!cache.has(key)) cache.set(key, load());',
  '      return cache.get(key);',
  '    },',
  '  });',
  '}',
].join('\n');
await build({
  ...common,
  stdin: { contents: coreSource, resolveDir: root, sourcefile: 'firth-core.js', loader: 'js' },
  outfile: join(dist, CORE_FILE),
  // Read from node_modules when (and only when) the code that needs them runs.
  external: [...N8N_PROVIDED, ...RUNTIME_PACKAGES, ...OPTIONAL_PACKAGES],
  // Whitespace and syntax only: identifiers and function names stay, so a stack trace still
  // reads (the core is the package's largest file: 11.2 MB → 7.8 MB, 0.3 MB less in the tarball).
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
});

// 3. Icons and codex files next to each node and credential.
for (const folder of ['nodes', 'credentials']) {
  cpSync(join(root, folder), join(dist, folder), { recursive: true, filter: (src) => !/\.ts$/.test(src) });
}
rmSync(join(dist, 'nodes', 'shared'), { recursive: true, force: true }); // its code is in the core

// 4. The runtime files.
for (const { from, to, files } of RUNTIME_FILES) {
  const dest = join(dist, to);
  if (statSync(from).isFile()) {
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(from, dest);
    continue;
  }
  mkdirSync(dest, { recursive: true });
  if (!files) {
    cpSync(from, dest, { recursive: true });
    continue;
  }
  const picked = readdirSync(from).filter((f) => files.test(f) && statSync(join(from, f)).isFile());
  if (picked.length === 0) throw new Error(`build.mjs: no file in ${from} matches ${files}`);
  for (const f of picked) copyFileSync(join(from, f), join(dest, f));
}
console.log(`built ${entries.length} entries and ${CORE_FILE} (${keys.length} shared modules) into dist/`);
