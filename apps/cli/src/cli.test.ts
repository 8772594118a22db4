/**
 * `firth` end to end: every test spawns the built `node dist/cli.js` as a user would (stdout and
 * stderr are pipes, so stderr is not a TTY), and checks the output against the library computing
 * the same thing in this process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { dataPath, loadLeeCorpus } from '@firth/datasets';
import { answerAnalogy, evaluateWordPairs, loadPretrained, loadVectors } from '@firth/embeddings';
import { PLAYGROUND_TOKENIZERS } from '@firth/llm';
import {
  generate,
  llama2cToGguf,
  loadLlama2c,
  loadLlama2cTokenizer,
  shippedTokenizer,
  tokenizeForDisplay,
} from '@firth/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOKENIZERS } from './commands/tokenize.js';
import { COMMANDS } from './main.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'firth-cli-'));
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`); // an escape sequence

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `firth args…` in `work`; `onStderr` sees stderr as it comes (to send a signal mid-run). */
function start(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onStderr?: (text: string, child: ChildProcess) => void } = {},
) {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: work,
    env: { ...process.env, FIRTH_DEBUG: '', NO_COLOR: '', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    options.onStderr?.(stderr, child);
  });
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout };
}

const firth = (args: string[], env?: NodeJS.ProcessEnv) => start(args, env ? { env } : {}).done;

beforeAll(() => {
  // turbo builds first (apps/cli/turbo.json); a direct `vitest run` rebuilds a stale dist here
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory()
          ? newest(join(dir, e.name))
          : e.name.endsWith('.test.ts')
            ? 0
            : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  if (!existsSync(cli) || newest(join(root, 'src')) > statSync(cli).mtimeMs)
    execFileSync(
      process.execPath,
      [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  // a small corpus: the first 120 Lee documents, lower-cased words, gzipped (streamed by the CLI)
  const lines = loadLeeCorpus()
    .slice(0, 120)
    .map(
      (d) =>
        d
          .toLowerCase()
          .match(/[a-z]+/g)
          ?.join(' ') ?? '',
    );
  writeFileSync(join(work, 'lee.txt.gz'), gzipSync(`${lines.join('\n')}\n`));
}, 120_000);

describe('firth: help, usage errors, exit codes', () => {
  it('--version, --help and every command --help (usage, options with defaults, an example), exit 0', async () => {
    const version = await firth(['--version']);
    expect(version).toMatchObject({
      code: 0,
      stdout: `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`,
    });
    const main = await firth(['--help']);
    expect(main.code).toBe(0);
    for (const c of COMMANDS) expect(main.stdout).toContain(c.name);
    const helps = await Promise.all(COMMANDS.map((c) => firth([...c.name.split(' '), '--help'])));
    helps.forEach((h, i) => {
      expect(h.code, COMMANDS[i]!.name).toBe(0);
      expect(h.stdout).toContain(`Usage: firth ${COMMANDS[i]!.name}`);
      expect(h.stdout).toMatch(/Examples?:\n {2}firth /);
      expect(h.stdout).toContain('-h, --help');
    });
    expect(helps[0]!.stdout).toContain('--dim <n>               dimensions of a vector (default: 100)');
    expect((await firth(['n8n', '-h'])).stdout).toContain('bash scripts/start.sh');
  });

  it('usage errors exit 2 with a message naming the problem and pointing at --help', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], 'firth: unknown command "frobnicate"'],
      [['word2vec', 'fly'], 'firth word2vec: unknown command "word2vec fly"'],
      [
        ['word2vec', 'train', 'x.txt', '--out', 'v.bin', '--dim', 'abc'],
        'firth word2vec train: --dim must be a number, got "abc"',
      ],
      [
        ['word2vec', 'train', 'x.txt', '--out', 'v.bin', '--window', '2.5'],
        '--window must be a whole number, got "2.5"',
      ],
      [['word2vec', 'train', 'x.txt', '--colour'], 'firth word2vec train: unknown option --colour'],
      [['word2vec', 'train', '--out', 'v.bin'], 'firth word2vec train: missing <corpus>'],
      [['word2vec', 'train', 'lee.txt.gz'], 'missing --out <file>'],
      [['vectors', 'analogy', 'glove-6b-100d-top20k', 'man', 'king'], 'missing <c>'],
      [['tokenize', 'hi', '--tokenizer', 'gpt-5'], '--tokenizer must be one of llama2c-tinystories'],
      [['serve', '--port', '99999'], '--port must be 0–65535'],
      [['generate', '--max-tokens'], '--max-tokens needs a value'],
    ];
    const runs = await Promise.all(cases.map(([args]) => firth(args)));
    runs.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toContain(cases[i]![1]);
      expect(r.stderr).toMatch(/Run 'firth[a-z0-9 ]*--help' for usage\./);
      expect(r.stderr).not.toContain('    at ');
    });
    expect((await firth([])).code).toBe(2);
  });

  it('a missing file or unknown word is a Firth error: exit 1, one line, no stack (FIRTH_DEBUG=1 shows it)', async () => {
    const missing = await firth(['word2vec', 'train', 'no-such.txt', '--out', 'v.bin']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'firth word2vec train: error: corpus "no-such.txt" does not exist\n',
    });
    const word = await firth(['vectors', 'similar', 'glove-6b-100d-top20k', 'qwxzz']);
    expect(word.code).toBe(1);
    expect(word.stderr).toContain('"qwxzz" is not in the vocabulary of glove-6b-100d-top20k (20000 words)');
    expect(word.stderr).not.toContain('    at ');
    const debug = await firth(['vectors', 'similar', 'no-such.bin', 'king'], { FIRTH_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('is neither a vectors file nor a shipped model');
    expect(debug.stderr).toContain('    at ');
    // the pinned n8n not installed: a pointer at scripts/start.sh
    const n8n = await firth(['n8n'], { FIRTH_N8N_BIN: '', FIRTH_CACHE: join(work, 'empty-cache') });
    expect(n8n.code).toBe(1);
    expect(n8n.stderr).toContain('run `bash scripts/start.sh` once');
  });
});

describe('firth word2vec / glove / vectors', () => {
  it('word2vec train streams a .gz corpus with plain progress on stderr, saves vectors that `vectors similar` queries', async () => {
    const r = await firth([
      'word2vec',
      'train',
      'lee.txt.gz',
      '--sg',
      '--dim',
      '24',
      '--min-count',
      '3',
      '--epochs',
      '2',
      '--workers',
      '2',
      '--out',
      'w2v.bin',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const kv = await loadVectors(join(work, 'w2v.bin'));
    expect(summary).toMatchObject({ format: 'word2vec-binary', words: kv.length, vectorSize: 24, epochs: 2 });
    expect(summary.lossCurve).toHaveLength(2);
    expect(summary.lossCurve[1]).toBeLessThan(summary.lossCurve[0]);
    // not a TTY: plain progress lines with percent, words/s, loss and ETA, and no escape codes
    expect(r.stderr).toMatch(/word2vec: \d+% epoch \d\/2, \d+ words\/s, loss \d\.\d{4}, ETA \d+:\d\d/);
    expect(r.stderr).toContain('word2vec: 100% epoch 2/2');
    expect(r.stderr).not.toMatch(ANSI);
    expect(r.stderr).not.toContain('\r');

    const similar = await firth(['vectors', 'similar', 'w2v.bin', 'government', '--topn', '5', '--json']);
    expect(similar.code, similar.stderr).toBe(0);
    const out = JSON.parse(similar.stdout);
    expect(out.similar.map((s: { word: string }) => s.word)).toEqual(
      kv.mostSimilar('government', 5).map(([w]) => w),
    );
    for (const s of out.similar) expect(kv.has(s.word)).toBe(true);
    const text = await firth(['vectors', 'similar', 'w2v.bin', 'government', '--topn', '2']);
    expect(text.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('glove train writes GloVe vectors of the corpus vocabulary; loss falls', async () => {
    const r = await firth([
      'glove',
      'train',
      'lee.txt.gz',
      '--dim',
      '10',
      '--window',
      '4',
      '--epochs',
      '3',
      '--x-max',
      '10',
      '--min-count',
      '3',
      '--out',
      'glove.txt',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const kv = await loadVectors(join(work, 'glove.txt'));
    expect(summary).toMatchObject({ words: kv.length, vectorSize: 10, format: 'word2vec' });
    expect(summary.lossCurve.at(-1)).toBeLessThan(summary.lossCurve[0]);
    expect(r.stderr).toMatch(/glove: \d+% epoch \d\/3, \d+ entries\/s, loss/);
    expect(r.stderr).not.toMatch(ANSI);
  });

  it('vectors analogy and eval on the shipped glove-6b-100d-top20k give what the library computes', async () => {
    const glove = await loadPretrained('glove-6b-100d-top20k');
    const [analogy, evaluation, text] = await Promise.all([
      firth(['vectors', 'analogy', 'glove-6b-100d-top20k', 'man', 'king', 'woman', '--json']),
      firth(['vectors', 'eval', 'glove-6b-100d-top20k', '--wordsim', '--simlex', '--json']),
      firth(['vectors', 'analogy', 'glove-6b-100d-top20k', 'man', 'king', 'woman', '--topn', '1']),
    ]);
    expect(analogy.code, analogy.stderr).toBe(0);
    expect(JSON.parse(analogy.stdout)).toEqual(
      JSON.parse(JSON.stringify(answerAnalogy(glove, { a: 'man', b: 'king', c: 'woman' }))),
    );
    expect(text.stdout).toMatch(/^man : king :: woman : \? queen\nqueen +0\.\d{4}\n$/);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const e = JSON.parse(evaluation.stdout);
    expect(e.analogies).toBeUndefined();
    expect(e.wordsim).toEqual(evaluateWordPairs(glove, dataPath('data/evaluation/wordsim353.tsv')));
    expect(e.simlex).toEqual(evaluateWordPairs(glove, dataPath('data/evaluation/simlex999.txt')));
    expect(e.wordsim.spearman).toBeGreaterThan(0.3);
  });
});

describe('firth gpt / bert / generate', () => {
  const tinyGpt = [
    '--layers',
    '1',
    '--embd',
    '16',
    '--heads',
    '2',
    '--block-size',
    '16',
    '--batch-size',
    '4',
  ];

  it('gpt train: loss per step on stderr, a checkpoint that `generate --model <dir>` samples from', async () => {
    const r = await firth(['gpt', 'train', '--steps', '3', ...tinyGpt, '--out', 'gpt1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      steps: 3,
      stopped: false,
      checkpoint: join(work, 'gpt1', 'model.safetensors'),
    });
    expect(existsSync(join(work, 'gpt1', 'best.safetensors'))).toBe(true);
    for (const step of [1, 2, 3])
      expect(r.stderr).toMatch(new RegExp(`gpt: \\d+% step ${step}/3, \\d+ steps/s, loss \\d\\.\\d{4}`));
    expect(r.stderr).toMatch(/gpt: step 3\/3 {2}train loss \d\.\d{4} {2}val loss \d\.\d{4}/);

    const g = await firth([
      'generate',
      '--model',
      'gpt1',
      '--prompt',
      'ROMEO:',
      '--max-tokens',
      '25',
      '--seed',
      '3',
      '--json',
    ]);
    expect(g.code, g.stderr).toBe(0);
    const out = JSON.parse(g.stdout);
    expect(out).toMatchObject({ prompt: 'ROMEO:', finishReason: 'length', usage: { completionTokens: 25 } });
    expect([...out.text]).toHaveLength(25); // one character per token
    const streamed = await firth([
      'generate',
      '--model',
      join('gpt1', 'model.safetensors'),
      '--prompt',
      'ROMEO:',
      '--max-tokens',
      '25',
      '--seed',
      '3',
    ]);
    expect(streamed.stdout).toBe(`ROMEO:${out.text}\n`);
  });

  it('Ctrl-C (SIGINT) during gpt train saves a checkpoint and exits 130', async () => {
    let sent = false;
    const run = start(['gpt', 'train', '--steps', '100000', ...tinyGpt, '--out', 'gpt-int'], {
      onStderr: (text, child) => {
        if (!sent && /step \d+\/100000/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: stopping after this step and saving a checkpoint');
    expect(r.stderr).toMatch(/gpt: interrupted after \d+ steps; saved .*gpt-int\/model\.safetensors/);
    const g = await firth(['generate', '--model', 'gpt-int', '--max-tokens', '5', '--json']);
    expect(g.code, g.stderr).toBe(0);
  });

  it('bert train (tiny): pretraining and fine-tuning progress, a Hugging Face folder', async () => {
    const r = await firth([
      'bert',
      'train',
      '--pretrain-steps',
      '2',
      '--train-limit',
      '32',
      '--epochs',
      '1',
      '--lee-only',
      '--vocab-size',
      '300',
      '--hidden',
      '16',
      '--layers',
      '1',
      '--heads',
      '2',
      '--max-length',
      '24',
      '--batch-size',
      '16',
      '--out',
      'bert1',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.pretrain.steps).toBe(2);
    expect(result.finetune.steps).toBe(2);
    expect(result.finetune.devAccuracy).toBeGreaterThan(0);
    expect(readdirSync(join(work, 'bert1')).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'vocab.txt',
    ]);
    expect(r.stderr).toMatch(/bert pretrain: \d+% step 2\/2/);
    expect(r.stderr).toMatch(/bert finetune: \d+% step 2\/2/);
  });

  it('generate streams the shipped TinyStories model: greedy text equals the library', async () => {
    const r = await firth([
      'generate',
      '--prompt',
      'Once upon a time',
      '--max-tokens',
      '30',
      '--temperature',
      '0',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const expected = await generate(
      await loadLlama2c(),
      shippedTokenizer('llama2c-tinystories'),
      'Once upon a time',
      {
        maxNewTokens: 30,
        temperature: 0,
      },
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ text: expected.text, finishReason: 'length' });
  });
});

describe('firth tokenize / rag / serve', () => {
  it('tokenize: ids and pieces, from an argument or stdin', async () => {
    expect([...TOKENIZERS]).toEqual([...PLAYGROUND_TOKENIZERS]);
    const r = await firth(['tokenize', 'Once upon a time', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const view = tokenizeForDisplay(shippedTokenizer('llama2c-tinystories'), 'Once upon a time');
    expect(JSON.parse(r.stdout)).toMatchObject({
      name: 'llama2c-tinystories',
      ids: view.ids,
      tokens: view.tokens,
    });
    const text = await firth(['tokenize', 'Once upon a time']);
    expect(text.stdout.split('\n').slice(1, 3)).toEqual([
      `${view.ids[0]}  ${JSON.stringify(view.tokens[0])}`,
      `${view.ids[1]}  ${JSON.stringify(view.tokens[1])}`,
    ]);
    const piped = spawn(process.execPath, [cli, 'tokenize', '-', '--tokenizer', 'char', '--json'], {
      cwd: work,
    });
    piped.stdin.end('To be\n');
    let out = '';
    piped.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    await new Promise((resolve) => piped.on('close', resolve));
    expect(JSON.parse(out)).toMatchObject({ name: 'char-shakespeare', tokens: ['T', 'o', ' ', 'b', 'e'] });
  });

  it('rag index a folder of Markdown, then rag ask: an answer citing [1] from that folder', async () => {
    const docs = join(work, 'docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(
      join(docs, 'returns.md'),
      '# Returns\n\nRefunds are paid within 14 days of receiving the parcel.\n\n# Shipping\n\nParcels leave the Leipzig warehouse every weekday.\n',
    );
    writeFileSync(
      join(docs, 'warranty.md'),
      '# Warranty\n\nThe warranty covers manufacturing faults for two years.\n',
    );
    const index = await firth(['rag', 'index', 'docs', '--out', 'index.json', '--json']);
    expect(index.code, index.stderr).toBe(0);
    expect(JSON.parse(index.stdout)).toMatchObject({ files: 2, chunks: 3 });
    const ask = await firth([
      'rag',
      'ask',
      'How',
      'long',
      'does',
      'the',
      'warranty',
      'cover?',
      '--index',
      'index.json',
      '--json',
    ]);
    expect(ask.code, ask.stderr).toBe(0);
    const answer = JSON.parse(ask.stdout);
    expect(answer.answer).toBe('The warranty covers manufacturing faults for two years. [1]');
    expect(answer.sources).toEqual([{ n: 1, source: 'warranty.md', section: 'Warranty' }]);
    const text = await firth(['rag', 'ask', 'When are refunds paid?', '--folder', 'docs']);
    expect(text.stdout).toBe(
      'Refunds are paid within 14 days of receiving the parcel. [1]\n\nSources:\n[1] returns.md — Returns\n',
    );
    // indexed as the RAG nodes index: the heading path with the text ('shipping' is only a heading)
    // and Porter stems, saved in the index file
    expect(JSON.parse(readFileSync(join(work, 'index.json'), 'utf8')).analyzer).toBe('english');
    const heading = await firth(['rag', 'ask', 'How does shipping work?', '--index', 'index.json', '--json']);
    expect(JSON.parse(heading.stdout).answer).toBe('Parcels leave the Leipzig warehouse every weekday. [1]');
    const notes = await firth(['rag', 'ask', 'What is GloVe?', '--json']); // the shipped course notes
    expect(JSON.parse(notes.stdout).sources[0].source).toBe('glove.md');
  });

  it('serve on a free port answers /v1/models, then stops on SIGTERM', async () => {
    let resolveUrl: (url: string) => void;
    const url = new Promise<string>((r) => {
      resolveUrl = r;
    });
    const run = start(['serve', '--port', '0', '--quiet']);
    run.child.stdout!.on('data', () => {
      const line = run.stdout().split('\n')[0];
      if (line && run.stdout().includes('\n')) resolveUrl(line);
    });
    const base = await url;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['tinystories-260k', 'bert-tiny']);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('playground on a free port prints its URL, serves the page on 127.0.0.1, stops on SIGTERM', async () => {
    const run = start(['playground', '--port', '0', '--quiet']);
    const base = await new Promise<string>((resolve) =>
      run.child.stdout!.on('data', () => {
        const m = /^Firth playground: (\S+)\n/.exec(run.stdout());
        if (m) resolve(m[1]!);
      }),
    );
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Firth playground</title>');
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    const remote = await firth(['playground', '--port', '0', '--host', '0.0.0.0']);
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('host 0.0.0.0 needs allowRemote (--allow-remote)');
  });

  it('serve --gguf FILE --threads 1 serves the GGUF model beside the shipped ones (llama.cpp)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-cli-gguf-'));
    const file = join(dir, 'stories260K-q8_0.gguf');
    writeFileSync(file, llama2cToGguf(await loadLlama2c(), loadLlama2cTokenizer(), { type: 'q8_0' }));
    let resolveUrl: (url: string) => void;
    const url = new Promise<string>((r) => {
      resolveUrl = r;
    });
    const run = start(['serve', '--port', '0', '--quiet', '--gguf', file, '--threads', '1']);
    run.child.stdout!.on('data', () => {
      const line = run.stdout().split('\n')[0];
      if (line && run.stdout().includes('\n')) resolveUrl(line);
    });
    const base = await url;
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['tinystories-260k', 'stories260K-q8_0', 'bert-tiny']);
    const answer = (await (
      await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'stories260K-q8_0',
          messages: [{ role: 'user', content: 'Once upon a time' }],
          temperature: 0,
          max_tokens: 6,
        }),
      })
    ).json()) as { usage: { completion_tokens: number } };
    expect(answer.usage.completion_tokens).toBe(6);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
