/** `firth word2vec train`: gensim's `Word2Vec(corpus_file=…)` from the command line. */
import { type CommandSpec, UsageError } from '../args.js';
import { existingFile, printResult, requireOut, savedLine, saveTrainedVectors, thousands } from '../io.js';
import { ProgressBar } from '../progress.js';

export const word2vecTrain: CommandSpec = {
  name: 'word2vec train',
  summary: 'Train word2vec (CBOW or skip-gram, negative sampling) on a corpus and save the vectors.',
  description:
    "The corpus is a text file, or .gz, one sentence per line, words separated by spaces (gensim's\n" +
    "LineSentence); it is streamed, never read whole. --out ending in .bin writes word2vec's binary\n" +
    "format, .json ml5's, anything else word2vec text (what gensim, fastText and `firth vectors` read).",
  args: [{ name: 'corpus', description: 'a text or .gz file, one sentence per line' }],
  options: {
    out: {
      type: 'string',
      placeholder: 'file',
      description: 'where the vectors go (.bin, .txt, .vec, .json)',
    },
    sg: { type: 'boolean', description: 'skip-gram (default: CBOW)' },
    cbow: { type: 'boolean', description: 'CBOW, the default' },
    dim: { type: 'integer', min: 1, default: 100, description: 'dimensions of a vector' },
    window: {
      type: 'integer',
      min: 1,
      default: 5,
      description: 'largest distance between centre and context word',
    },
    'min-count': { type: 'integer', min: 1, default: 5, description: 'ignore rarer words' },
    negative: { type: 'integer', min: 0, default: 5, description: 'noise words per positive example' },
    epochs: { type: 'integer', min: 1, default: 1, description: 'passes over the corpus' },
    workers: { type: 'integer', min: 1, default: 2, description: 'training threads' },
    seed: { type: 'integer', min: 0, default: 1, description: 'seeds the initial vectors and sampling' },
  },
  examples: ['firth word2vec train corpus.txt.gz --sg --dim 100 --workers 2 --out vectors.bin'],
  async run({ args, options, json }) {
    const { Word2Vec } = await import('@firth/embeddings');
    const corpus = existingFile(args.corpus!, 'corpus');
    const out = requireOut(options.out);
    if (options.sg && options.cbow) throw new UsageError('--sg and --cbow exclude each other');
    const bar = new ProgressBar({ label: 'word2vec' });
    const model = new Word2Vec({
      sg: options.sg ? 1 : 0,
      vectorSize: options.dim as number,
      window: options.window as number,
      minCount: options['min-count'] as number,
      negative: options.negative as number,
      epochs: options.epochs as number,
      workers: options.workers as number,
      seed: options.seed as number,
    });
    bar.log(`word2vec: collecting the vocabulary of ${corpus} ...`);
    await model.buildVocab(corpus);
    const vocab = model.vocabulary!;
    bar.log(
      `word2vec: ${thousands(vocab.size)} words with count >= ${options['min-count']}, ${thousands(vocab.totalWords)} corpus words; training ${options.sg ? 'skip-gram' : 'CBOW'}, ${options.dim} dimensions, ${options.epochs} epoch(s), ${options.workers} worker(s)`,
    );
    await model.train(corpus, {
      onProgress: (e) => {
        if (e.phase === 'end') return;
        const fraction = (e.epoch - 1 + (e.phase === 'epoch' ? 1 : e.step / e.steps)) / e.epochs;
        bar.update({
          fraction,
          rate: e.metrics?.wordsPerSecond ?? 0,
          loss: e.loss,
          detail: `epoch ${e.epoch}/${e.epochs}`,
        });
        if (e.phase === 'epoch')
          bar.log(`word2vec: epoch ${e.epoch}/${e.epochs} done, mean loss ${e.loss.toFixed(4)}`);
      },
    });
    bar.done();
    const summary = {
      ...(await saveTrainedVectors(model.wv, out)),
      corpusWords: model.rawWords,
      epochs: options.epochs,
      lossCurve: model.lossCurve,
      seconds: model.trainSeconds,
      wordsPerSecond: model.rawWords / Math.max(1e-9, model.trainSeconds),
    };
    printResult(
      json,
      summary,
      () =>
        `${savedLine(summary)}; ` +
        `${thousands(summary.corpusWords)} words in ${summary.seconds.toFixed(1)} s, ${thousands(summary.wordsPerSecond)} words/s, final loss ${(model.lossCurve.at(-1) ?? Number.NaN).toFixed(4)}`,
    );
    return 0;
  },
};
