/** `firth vectors similar|analogy|eval`: gensim's KeyedVectors queries and its intrinsic evaluation. */
import { existsSync } from 'node:fs';
import type { KeyedVectors, PretrainedName } from '@firth/embeddings';
import { CliError, type CommandSpec } from '../args.js';
import { printResult } from '../io.js';

/** The vectors shipped by name (loadPretrained). */
export const PRETRAINED: readonly PretrainedName[] = [
  'glove-6b-100d-top20k',
  'word2vec-300d-top1000',
  'glove-6b-100d',
];

const VECTORS_ARG = {
  name: 'vectors',
  description: `a vectors file (word2vec .bin/.txt, GloVe .txt, fastText .vec, ml5 .json) or a shipped name: ${PRETRAINED.join(', ')}`,
};

/** A file when one exists at that path, else a shipped name; else a CliError saying both. */
export async function openVectors(spec: string): Promise<KeyedVectors> {
  const { loadPretrained, loadVectors } = await import('@firth/embeddings');
  if (existsSync(spec)) return loadVectors(spec);
  if ((PRETRAINED as readonly string[]).includes(spec)) return loadPretrained(spec as PretrainedName);
  throw new CliError(`"${spec}" is neither a vectors file nor a shipped model (${PRETRAINED.join(', ')})`);
}

/** The vocabulary's word as written, or a CliError (gensim's KeyError, said plainly). */
function known(kv: KeyedVectors, word: string, vectors: string): string {
  if (!kv.has(word))
    throw new CliError(`"${word}" is not in the vocabulary of ${vectors} (${kv.length} words)`);
  return word;
}

const pad = (rows: [string, string][]) => {
  const w = Math.max(0, ...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join('\n');
};

export const vectorsSimilar: CommandSpec = {
  name: 'vectors similar',
  summary: 'The words nearest to a word by cosine similarity (gensim most_similar).',
  args: [VECTORS_ARG, { name: 'word', description: 'a word of the vocabulary' }],
  options: { topn: { type: 'integer', min: 1, default: 10, description: 'how many words' } },
  examples: [
    'firth vectors similar glove-6b-100d-top20k king --topn 5',
    'firth vectors similar vectors.bin data',
  ],
  async run({ args, options, json }) {
    const kv = await openVectors(args.vectors!);
    const word = known(kv, args.word!, args.vectors!);
    const similar = kv
      .mostSimilar(word, options.topn as number)
      .map(([w, s]) => ({ word: w, similarity: s }));
    printResult(json, { word, similar }, () => pad(similar.map((s) => [s.word, s.similarity.toFixed(4)])));
    return 0;
  },
};

export const vectorsAnalogy: CommandSpec = {
  name: 'vectors analogy',
  summary: 'a is to b as c is to ? — the words nearest to b - a + c (3CosAdd, gensim most_similar).',
  args: [
    VECTORS_ARG,
    { name: 'a', description: 'e.g. man' },
    { name: 'b', description: 'e.g. king' },
    { name: 'c', description: 'e.g. woman' },
  ],
  options: { topn: { type: 'integer', min: 1, default: 5, description: 'how many answers' } },
  examples: ['firth vectors analogy glove-6b-100d-top20k man king woman'],
  async run({ args, options, json }) {
    const kv = await openVectors(args.vectors!);
    for (const w of [args.a!, args.b!, args.c!]) known(kv, w, args.vectors!);
    const { answerAnalogy } = await import('@firth/embeddings');
    const r = answerAnalogy(kv, { a: args.a!, b: args.b!, c: args.c! }, { topn: options.topn as number });
    printResult(json, r, () =>
      [`${r.analogy} ${r.answer ?? '(none)'}`, pad(r.answers.map((x) => [x.word, x.score.toFixed(4)]))].join(
        '\n',
      ),
    );
    return 0;
  },
};

export const EVALUATION_SETS = {
  analogies: { file: 'data/evaluation/questions-words.txt', name: 'questions-words' },
  wordsim: { file: 'data/evaluation/wordsim353.tsv', name: 'wordsim353' },
  simlex: { file: 'data/evaluation/simlex999.txt', name: 'simlex999' },
} as const;

export const vectorsEval: CommandSpec = {
  name: 'vectors eval',
  summary: 'Evaluate word vectors as gensim does: analogy accuracy and word-pair correlations.',
  description:
    'The shipped sets: questions-words (Mikolov et al., 19,544 analogies), WordSim-353 and SimLex-999\n' +
    '(Spearman and Pearson correlation with human scores). Without a set option, all three run.\n' +
    'Words compare in upper case, questions with a word outside the first --restrict-vocab words are\n' +
    "skipped (gensim's evaluate_word_analogies and evaluate_word_pairs).",
  args: [VECTORS_ARG],
  options: {
    analogies: { type: 'boolean', description: 'questions-words.txt analogy accuracy' },
    wordsim: { type: 'boolean', description: 'WordSim-353 correlation' },
    simlex: { type: 'boolean', description: 'SimLex-999 correlation' },
    'restrict-vocab': { type: 'integer', min: 1, default: 300000, description: 'only the first N words' },
  },
  examples: ['firth vectors eval glove-6b-100d-top20k', 'firth vectors eval vectors.bin --wordsim --json'],
  async run({ args, options, json }) {
    const { evaluateWordAnalogies, evaluateWordPairs } = await import('@firth/embeddings');
    const { dataPath } = await import('@firth/datasets');
    const none = !options.analogies && !options.wordsim && !options.simlex;
    const kv = await openVectors(args.vectors!);
    const restrictVocab = options['restrict-vocab'] as number;
    const result: Record<string, unknown> = { vectors: args.vectors, words: kv.length };
    const lines: string[] = [];
    if (none || options.analogies) {
      const r = evaluateWordAnalogies(kv, dataPath(EVALUATION_SETS.analogies.file), { restrictVocab });
      result.analogies = r;
      const total = r.sections.at(-1)!;
      lines.push(
        `questions-words  accuracy ${r.score.toFixed(4)}  (${total.correct} of ${total.correct + total.incorrect} questions; ${r.oovRatio.toFixed(1)} % skipped, out of vocabulary)`,
        ...r.sections
          .slice(0, -1)
          .map(
            (s) =>
              `  ${s.section.padEnd(28)} ${(s.correct / Math.max(1, s.correct + s.incorrect)).toFixed(4)}  (${s.correct}/${s.correct + s.incorrect})`,
          ),
      );
    }
    for (const key of ['wordsim', 'simlex'] as const) {
      if (!none && !options[key]) continue;
      const set = EVALUATION_SETS[key];
      const r = evaluateWordPairs(kv, dataPath(set.file), { restrictVocab });
      result[key] = r;
      lines.push(
        `${set.name.padEnd(16)} Spearman ${r.spearman.toFixed(4)}  Pearson ${r.pearson.toFixed(4)}  (${r.pairs} pairs; ${r.oovRatio.toFixed(1)} % out of vocabulary)`,
      );
    }
    printResult(json, result, () => lines.join('\n'));
    return 0;
  },
};
