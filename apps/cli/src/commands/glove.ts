/** `firth glove train`: Stanford GloVe's demo.sh (vocab_count, cooccur, glove) in one command. */
import type { CommandSpec } from '../args.js';
import { existingFile, printResult, requireOut, savedLine, saveTrainedVectors, thousands } from '../io.js';
import { ProgressBar } from '../progress.js';

export const gloveTrain: CommandSpec = {
  name: 'glove train',
  summary: 'Train GloVe (weighted least squares on log co-occurrences, AdaGrad) and save the vectors.',
  description:
    'The corpus is streamed twice: once for the vocabulary, once for the co-occurrence counts, which\n' +
    "stay in memory as sparse rows. The saved vector of a word is w + w~ (glove.c's default).",
  args: [{ name: 'corpus', description: 'a text or .gz file, one sentence per line' }],
  options: {
    out: {
      type: 'string',
      placeholder: 'file',
      description: 'where the vectors go (.bin, .txt, .vec, .json)',
    },
    dim: { type: 'integer', min: 1, default: 100, description: 'dimensions of a vector' },
    window: { type: 'integer', min: 1, default: 10, description: 'context words counted on each side' },
    'min-count': { type: 'integer', min: 1, default: 5, description: 'ignore rarer words' },
    epochs: { type: 'integer', min: 1, default: 25, description: 'passes over the co-occurrence entries' },
    'x-max': { type: 'number', min: 0, default: 100, description: 'counts from x-max up get full weight' },
    seed: { type: 'integer', min: 0, default: 1, description: 'seeds the initial values and shuffles' },
  },
  examples: ['firth glove train corpus.txt --dim 50 --window 5 --epochs 10 --x-max 10 --out glove.txt'],
  async run({ args, options, json }) {
    const { GloVe } = await import('@firth/embeddings');
    const corpus = existingFile(args.corpus!, 'corpus');
    const out = requireOut(options.out);
    const bar = new ProgressBar({ label: 'glove' });
    const model = new GloVe({
      vectorSize: options.dim as number,
      window: options.window as number,
      minCount: options['min-count'] as number,
      epochs: options.epochs as number,
      xMax: options['x-max'] as number,
      seed: options.seed as number,
    });
    bar.log(`glove: collecting the vocabulary of ${corpus} ...`);
    await model.buildVocab(corpus);
    bar.log(
      `glove: ${thousands(model.vocabulary!.size)} words with count >= ${options['min-count']}; counting co-occurrences (window ${options.window}) ...`,
    );
    let announced = false;
    await model.train(corpus, {
      onProgress: (e) => {
        const entries = e.metrics?.entries ?? 0;
        if (!announced) {
          announced = true;
          bar.log(`glove: ${thousands(entries)} non-zero co-occurrences; ${e.epochs} epoch(s) of AdaGrad`);
        }
        if (e.phase === 'end') return;
        const fraction = (e.epoch - 1 + (e.phase === 'epoch' ? 1 : e.step / e.steps)) / e.epochs;
        bar.update({
          fraction,
          rate: (fraction * e.epochs * entries) / Math.max(1e-9, e.elapsedMs / 1000),
          unit: 'entries/s',
          loss: e.loss,
          detail: `epoch ${e.epoch}/${e.epochs}`,
        });
      },
    });
    bar.done();
    const summary = {
      ...(await saveTrainedVectors(model.wv, out)),
      cooccurrences: model.cooccurrenceCount,
      epochs: options.epochs,
      lossCurve: model.lossCurve,
      seconds: bar.elapsed(),
    };
    printResult(
      json,
      summary,
      () =>
        `${savedLine(summary)}; ` +
        `${thousands(summary.cooccurrences)} co-occurrences, loss ${(model.lossCurve[0] ?? Number.NaN).toFixed(4)} -> ${(model.lossCurve.at(-1) ?? Number.NaN).toFixed(4)} in ${summary.seconds.toFixed(1)} s`,
    );
    return 0;
  },
};
