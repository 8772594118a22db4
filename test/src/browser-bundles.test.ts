/**
 * The browser entries bundle for a browser and work there (issue 15): each package with a
 * `src/browser.ts` is bundled by esbuild as a browser app would bundle it (`platform: 'browser'`,
 * the `browser` condition, no externals), and
 *   1. the bundle imports no Node built-in (no `node:…`, no `require('fs')`), from the sources
 *      (`firth-source`, as every test here) and from the built dist/ a published package ships;
 *   2. a small program per package, bundled the same way, runs where no Node built-in is reachable:
 *      a fresh `vm` context holding only what a browser page has (TextEncoder/TextDecoder, atob/btoa,
 *      crypto, WebAssembly, console; no process, Buffer, require), and gives the numbers Node gives.
 * The files a page would fetch (tok512.bin, stories260K.bin, bert-tiny's vocab.txt) are read here
 * and handed in as bytes or text. The pack tier runs the READMEs' `ts browser` blocks in Chromium.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { dataPath } from '@firth/datasets';
import { documentSimilarity, KeyedVectors } from '@firth/embeddings';
import { MLPClassifier } from '@firth/neural';
import { RandomState } from '@firth/numeric';
import {
  type ByteLevelBPETokenizer,
  generate,
  loadLlama2c,
  loadLlama2cTokenizer,
  selfAttentionLesson,
  shippedTokenizer,
  WordPieceTokenizer,
} from '@firth/transformers';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const testDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['numeric', 'tensor', 'plot', 'neural', 'transformers', 'embeddings', 'rag'] as const;

/** Bundles `contents` (TypeScript importing @firth/*) for a browser page. */
async function bundle(contents: string, conditions: string[], external: string[] = []) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: testDir, loader: 'ts', sourcefile: 'program.ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    conditions: ['browser', ...conditions],
    write: false,
    metafile: true,
    external,
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  return {
    code: result.outputFiles[0]!.text,
    inputs: Object.keys(inputs).map((p) => p.replaceAll('\\', '/')),
    // imports esbuild left to the runtime (a Node built-in would be one, were it not an error)
    external: Object.values(inputs).flatMap((i) => i.imports.filter((m) => m.external).map((m) => m.path)),
  };
}

// A require of a Node built-in left in Firth's code: `require("zlib")`, `require('node:fs')`. esbuild
// refuses to bundle an import of one for the browser platform (and the metafile lists what it left
// external); this also catches one hidden from esbuild. Searched with LangChain left out, as its
// langsmith carries the text of a Node worker (`require("worker_threads")`) that its browser build
// never starts.
const names = builtinModules.map((m) => m.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|');
const BUILTIN_REQUIRE = new RegExp(String.raw`\brequire\s*\(\s*["'](?:node:[\w/]+|(?:${names}))["']\s*\)`);

describe('browser entries: esbuild (platform browser, condition browser) bundles them without a Node built-in', () => {
  for (const pkg of PACKAGES) {
    it(`@firth/${pkg} resolves to its browser entry, and nothing bundled imports a Node built-in`, async () => {
      for (const [specifier, conditions, entry] of [
        [`@firth/${pkg}`, ['firth-source'], `packages/${pkg}/src/browser.ts`],
        [`@firth/${pkg}/browser`, ['firth-source'], `packages/${pkg}/src/browser.ts`],
        // what a published package gives a bundler: the built dist/
        [`@firth/${pkg}`, [], `packages/${pkg}/dist/browser.js`],
      ] as const) {
        const { inputs, external } = await bundle(`export * from '${specifier}';`, [...conditions]);
        expect(external).toEqual([]);
        const { code } = await bundle(`export * from '${specifier}';`, [...conditions], ['@langchain/*']);
        expect(inputs.some((p) => p.endsWith(entry))).toBe(true);
        expect(inputs.filter((p) => /packages\/[a-z]+\/(src|dist)\/index\.(ts|js)$/.test(p))).toEqual([]);
        expect(inputs.filter((p) => p.includes('packages/datasets/'))).toEqual([]);
        expect(code.match(BUILTIN_REQUIRE)?.[0] ?? null).toBeNull();
      }
    });
  }

  it('the Node entry still holds the file loaders: @firth/transformers/node does not bundle for a browser', async () => {
    await expect(bundle(`export * from '@firth/transformers/node';`, ['firth-source'])).rejects.toThrow(
      /node:/,
    );
  });
});

/**
 * Runs a bundled program in a context with a browser page's globals and none of Node's. The program
 * sets `globalThis.done` to a promise of its result; `input` holds what a page would have fetched.
 */
async function runInPage(code: string, input: Record<string, string | Uint8Array> = {}) {
  const logs: string[] = [];
  const context = vm.createContext({
    TextDecoder,
    atob,
    btoa,
    crypto: globalThis.crypto,
    console: { log: (...a: unknown[]) => logs.push(a.map(String).join(' ')) },
    setTimeout,
    clearTimeout,
    queueMicrotask,
    performance,
    __TextEncoder: TextEncoder,
  });
  // TextEncoder and the input bytes as the page's own Uint8Arrays (a vm context is another realm).
  vm.runInContext(
    `{ const E = globalThis.__TextEncoder; delete globalThis.__TextEncoder;
       globalThis.TextEncoder = class TextEncoder { get encoding() { return 'utf-8'; }
         encode(s = '') { const b = new E().encode(s); return new Uint8Array(b.buffer, b.byteOffset, b.length); } }; }`,
    context,
  );
  const PageUint8Array = vm.runInContext('Uint8Array', context) as Uint8ArrayConstructor;
  context.input = Object.fromEntries(
    Object.entries(input).map(([k, v]) => [k, typeof v === 'string' ? v : new PageUint8Array(v)]),
  );
  expect(vm.runInContext('[typeof process, typeof Buffer, typeof require]', context)).toEqual([
    'undefined',
    'undefined',
    'undefined',
  ]);
  vm.runInContext(code, context);
  const result = JSON.parse(JSON.stringify(await context.done)) as any;
  return { result, logs };
}

const program = async (source: string) => (await bundle(source, ['firth-source'])).code;

describe('programs bundled for a browser run with no Node built-in reachable', () => {
  it('@firth/transformers: tokenizers from their files, self-attention, llama2.c generation from bytes', async () => {
    const bpe = shippedTokenizer('bpe-shakespeare');
    const tokenizerJson = JSON.stringify((bpe as ByteLevelBPETokenizer).toJSON());
    const vocabTxt = readFileSync(dataPath('models/bert-tiny/vocab.txt'), 'utf8');
    const code = await program(`
      import { generate, hfTokenizerFromFiles, Llama2c, SentencePieceBPETokenizer, selfAttentionLesson } from '@firth/transformers';
      globalThis.done = (async () => {
        const gpt2 = hfTokenizerFromFiles({ 'tokenizer.json': input.tokenizerJson });
        const bert = hfTokenizerFromFiles({ 'vocab.txt': input.vocabTxt });
        const tok = SentencePieceBPETokenizer.fromBytes(input.tok512);
        const lesson = selfAttentionLesson(['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT']);
        const model = Llama2c.fromBytes(input.model.buffer);
        const story = await generate(model, tok, 'Once upon a time', { temperature: 0, maxNewTokens: 24 });
        console.log(story.text);
        return {
          gpt2: gpt2.encode('Hello world'), gpt2Back: gpt2.decode(gpt2.encode('Hello world')),
          bert: bert.tokenize('Hello world'), llama: tok.encode('Once upon a time'),
          rowSums: lesson.weights.map((r) => r.reduce((a, b) => a + b, 0)), weights: lesson.weights,
          story: story.text, tokens: story.tokens,
        };
      })();
    `);
    const { result, logs } = await runInPage(code, {
      tokenizerJson,
      vocabTxt,
      tok512: readFileSync(dataPath('models/tinyllamas-stories260K/tok512.bin')),
      model: readFileSync(dataPath('models/tinyllamas-stories260K/stories260K.bin')),
    });
    expect(result.gpt2).toEqual(bpe.encode('Hello world'));
    expect(result.gpt2Back).toBe('Hello world');
    expect(result.bert).toEqual(WordPieceTokenizer.fromVocabTxt(vocabTxt).tokenize('Hello world'));
    const llamaTok = loadLlama2cTokenizer();
    expect(result.llama).toEqual(llamaTok.encode('Once upon a time'));
    for (const s of result.rowSums) expect(s).toBeCloseTo(1, 12);
    expect(result.weights).toEqual(selfAttentionLesson(['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT']).weights);
    const node = await generate(await loadLlama2c(), llamaTok, 'Once upon a time', {
      temperature: 0,
      maxNewTokens: 24,
    });
    expect(result.tokens).toEqual(node.tokens);
    expect(result.story).toBe(node.text);
    expect(node.tokens.length).toBeGreaterThan(0);
    expect(logs).toEqual([node.text]);
  });

  it('@firth/embeddings: KeyedVectors queries on given and parsed vectors, TF-IDF, document similarity', async () => {
    const words = ['king', 'queen', 'man', 'woman', 'apple'];
    // [royalty, female, fruit]
    const vectors = [0.9, 0.1, 0.05, 0.88, 0.85, 0.05, 0.1, 0.12, 0.05, 0.1, 0.9, 0.05, 0.05, 0.1, 0.95];
    const code = await program(`
      import { KeyedVectors, parseVectors, TfidfVectorizer, documentSimilarity } from '@firth/embeddings';
      globalThis.done = (async () => {
        const kv = new KeyedVectors(${JSON.stringify(words)}, Float32Array.from(${JSON.stringify(vectors)}), 3);
        const text = kv.indexToKey.map((w, i) => w + ' ' + Array.from(kv.vectors.subarray(3 * i, 3 * i + 3)).join(' ')).join('\\n');
        const parsed = await parseVectors(text, { format: 'glove' });
        const tfidf = new TfidfVectorizer().fit(['the cat sat', 'the dog sat', 'a cat and a dog']);
        return {
          analogy: kv.mostSimilar({ positive: ['woman', 'king'], negative: ['man'], topn: 2 }),
          parsed: parsed.mostSimilar('king', 4),
          similarity: kv.similarity('king', 'queen'),
          odd: kv.doesntMatch(['king', 'queen', 'apple']),
          vocabulary: tfidf.getFeatureNamesOut(),
          docs: documentSimilarity('king man', 'queen woman', kv),
        };
      })();
    `);
    const { result } = await runInPage(code);
    const kv = new KeyedVectors(words, Float32Array.from(vectors), 3);
    expect(result.analogy).toEqual(
      kv.mostSimilar({ positive: ['woman', 'king'], negative: ['man'], topn: 2 }),
    );
    expect(result.analogy[0][0]).toBe('queen');
    expect(result.parsed).toEqual(kv.mostSimilar('king', 4));
    expect(result.similarity).toBeCloseTo(kv.similarity('king', 'queen'), 12);
    expect(result.odd).toBe(kv.doesntMatch(['king', 'queen', 'apple']));
    expect(result.odd).toBe('apple');
    expect(result.vocabulary).toEqual(['and', 'cat', 'dog', 'sat', 'the']);
    expect(result.docs).toBeCloseTo(documentSimilarity('king man', 'queen woman', kv), 12);
  });

  it('@firth/neural: the MLP learns XOR, the perceptron AND — the weights Node computes', async () => {
    const options = {
      hiddenLayerSizes: [2],
      activation: 'tanh' as const,
      learningRateInit: 0.01,
      maxIter: 10000,
      randomState: 42,
    };
    const code = await program(`
      import { MLPClassifier, Perceptron } from '@firth/neural';
      globalThis.done = (async () => {
        const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
        const mlp = new MLPClassifier(${JSON.stringify(options)}).fit(X, [0, 1, 1, 0]);
        const p = new Perceptron({ learningRate: 0.1 }).fit(X, [0, 0, 0, 1]);
        return { xor: mlp.predict(X), coefs: mlp.coefs, nIter: mlp.nIter, and: p.predict(X) };
      })();
    `);
    const { result } = await runInPage(code);
    const XOR = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const node = new MLPClassifier(options).fit(XOR, [0, 1, 1, 0]);
    expect(result.xor).toEqual([0, 1, 1, 0]);
    expect(result.coefs).toEqual(node.coefs);
    expect(result.nIter).toBe(node.nIter);
    expect(result.and).toEqual([0, 0, 0, 1]);
  });

  it('@firth/rag: BM25 ranks the right document first, splitters, the extractive answer cites it', async () => {
    const code = await program(`
      import { BM25, RecursiveCharacterSplitter, extractiveAnswer } from '@firth/rag';
      globalThis.done = (async () => {
        const docs = [
          'The perceptron learns a linear boundary with a simple update rule.',
          'BM25 scores a document by term frequency, saturated, and inverse document frequency.',
          'Word2Vec learns word vectors by predicting context words.',
        ];
        const bm25 = new BM25().fit(docs);
        const hits = bm25.search('how does BM25 score a document', 3);
        const chunks = await new RecursiveCharacterSplitter({ chunkSize: 40, chunkOverlap: 0 }).splitText(docs[1]);
        const answer = extractiveAnswer('What does BM25 score a document by?', hits.map((h) => h.document));
        return { first: hits[0].index, scores: hits.map((h) => h.score), chunks, answer: answer.answer };
      })();
    `);
    const { result } = await runInPage(code);
    expect(result.first).toBe(1);
    expect(result.scores[0]).toBeGreaterThan(result.scores[1]);
    expect(result.chunks.length).toBeGreaterThan(1);
    expect(result.chunks.join(' ')).toContain('inverse document frequency');
    expect(result.answer).toContain('term frequency');
  });

  it('@firth/numeric and @firth/plot: NumPy RandomState draws and an SVG chart', async () => {
    const code = await program(`
      import { RandomState } from '@firth/numeric';
      import { Chart } from '@firth/plot';
      globalThis.done = (async () => {
        const svg = new Chart({ title: 'Loss' }).polyline([{ x: 0, y: 1 }, { x: 1, y: 0.5 }, { x: 2, y: 0.25 }], { label: 'loss' }).toSVG();
        return { draws: new RandomState(42).standardNormalArray(3), svg };
      })();
    `);
    const { result } = await runInPage(code);
    expect(result.draws).toEqual(new RandomState(42).standardNormalArray(3));
    expect(result.svg).toMatch(/^<svg[\s\S]*Loss[\s\S]*<\/svg>\s*$/);
  });
});
