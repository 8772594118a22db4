/**
 * Pretrain a tiny BERT and fine-tune it on SST-2 — the course's "BERT" lesson end to end. A function
 * for code and tests, and a command:
 *
 *   pnpm --filter @firth/transformers train:bert                        # the default config below
 *   pnpm --filter @firth/transformers train:bert -- --pretrain-steps 200 --epochs 1 --out my-bert
 *
 *   1. WordPiece vocabulary (frequency merges, `vocabSize` pieces) learnt from the pretraining text;
 *   2. pretraining, masked LM + next-sentence prediction (BertForPreTraining): the Lee news corpus
 *      (300 articles, sentence pairs for NSP) and the SST-2 training phrases (single segments,
 *      masked LM only) — in-domain text for the fine-tuning that follows;
 *   3. fine-tuning for sentiment (BertForSequenceClassification) on SST-2's 67,349 training
 *      phrases; accuracy on the GLUE dev set (872 sentences) and the labelled test set;
 *   4. contextual embeddings: the cosine between "bank" in a river and in a money sentence;
 *   5. the model saved as a Hugging Face folder (config.json, model.safetensors, vocab.txt).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadLeeCorpus, loadSst2 } from '@firth/datasets';
import { RandomState, ValidationError } from '@firth/numeric';
import {
  BertForPreTraining,
  BertForSequenceClassification,
  type BertProgress,
  PretrainingCorpus,
  type PretrainingExample,
} from './bert-heads.js';
import { BertModel, type BertModelConfig, definedOnly } from './bert-model.js';
import { WordPieceTokenizer } from './tokenizers/wordpiece.js';

export interface TrainBertOptions extends Omit<BertModelConfig, 'vocabSize'> {
  /** WordPiece vocabulary size. @default 4000 */
  vocabSize?: number;
  /** @default 2000 */
  pretrainSteps?: number;
  /** @default 64 */
  maxLength?: number;
  /** @default 32 */
  batchSize?: number;
  /** Pretraining peak learning rate. @default 5e-4 */
  pretrainLr?: number;
  /** Fine-tuning passes over SST-2 train. @default 2 */
  epochs?: number;
  /** Fine-tuning peak learning rate. @default 2e-4 */
  lr?: number;
  /** Use only the first n SST-2 training phrases (tests). @default all */
  trainLimit?: number;
  /** Pretrain on the Lee corpus only (no SST-2 phrases). @default false */
  leeOnly?: boolean;
  /** Folder to save the fine-tuned model in; null: not saved. @default null */
  out?: string | null;
  /** Folder to save the pretrained model in (before fine-tuning: fill-mask, embeddings). @default null */
  outPretrained?: string | null;
  onProgress?: (stage: 'pretrain' | 'finetune', event: BertProgress) => void;
  /**
   * Checked after every step: true ends training early (Ctrl-C in `firth bert train`). Stopped in
   * pretraining, fine-tuning is skipped; either way the model is saved to `out` as it stands, and
   * the accuracies (not measured, to exit quickly) are NaN.
   */
  shouldStop?: () => boolean;
}

export interface TrainBertResult {
  tokenizer: WordPieceTokenizer;
  bert: BertModel;
  pretrainer: BertForPreTraining;
  classifier: BertForSequenceClassification;
  pretrain: {
    steps: number;
    seconds: number;
    firstLoss: number;
    lastLoss: number;
    heldOut: Record<string, number>;
  };
  finetune: { steps: number; seconds: number; devAccuracy: number; testAccuracy: number };
  bankCosine: number;
  /** True when `shouldStop` ended training early. */
  stopped: boolean;
}

/** The fine-tuned classifier as a Hugging Face folder (config.json, model.safetensors, vocab.txt). */
export async function saveBertClassifier(folder: string, bert: BertModel, tokenizer: WordPieceTokenizer) {
  mkdirSync(folder, { recursive: true });
  await bert.save(folder, tokenizer, {
    architectures: ['BertForSequenceClassification'],
    id2label: { 0: 'negative', 1: 'positive' },
    label2id: { negative: 0, positive: 1 },
  });
}

export const RIVER_BANK = 'he sat on the bank of the river and watched the water .';
export const MONEY_BANK = 'he went to the bank to deposit money .';

const cosine = (a: number[], b: number[]) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

/**
 * The contextual vector of `word` in `text`: the mean of its pieces' vectors where it occurs
 * first (a word the vocabulary splits, "riv ##er", is averaged over its pieces).
 */
export function wordVector(
  bert: BertModel,
  tokenizer: WordPieceTokenizer,
  text: string,
  word: string,
): number[] {
  const { tokens, vectors } = bert.embed(tokenizer, text);
  const pieces = tokenizer.tokenize(word);
  const at = tokens.findIndex((_, t) => pieces.length > 0 && pieces.every((p, k) => tokens[t + k] === p));
  if (at < 0) throw new ValidationError(`"${word}" is not a word of ${JSON.stringify(text)}`, 'word');
  const H = vectors[0]!.length;
  return Array.from(
    { length: H },
    (_, j) => pieces.reduce((s, _, k) => s + vectors[at + k]![j]!, 0) / pieces.length,
  );
}

/** cos("bank" in the river sentence, "bank" in the money sentence): < 1 because BERT is contextual. */
export const bankCosine = (bert: BertModel, tokenizer: WordPieceTokenizer) =>
  cosine(wordVector(bert, tokenizer, RIVER_BANK, 'bank'), wordVector(bert, tokenizer, MONEY_BANK, 'bank'));

export { cosine };

export async function trainBert(options: TrainBertOptions = {}): Promise<TrainBertResult> {
  const lee = loadLeeCorpus();
  const sst = loadSst2('train').slice(0, options.trainLimit);
  const dev = loadSst2('dev');
  const test = loadSst2('test');
  const pretrainDocs = [...lee, ...(options.leeOnly ? [] : sst.map((r) => r.sentence))];
  const tokenizer = new WordPieceTokenizer().train(pretrainDocs.join('\n'), options.vocabSize ?? 4000, {
    scoring: 'frequency',
  });
  const maxLength = options.maxLength ?? 64;
  const bert = new BertModel({
    hiddenSize: 128,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    maxPositionEmbeddings: maxLength,
    ...definedOnly(options),
    vocabSize: tokenizer.vocabSize,
  });
  // 1–2. pretraining
  const corpus = new PretrainingCorpus(tokenizer, pretrainDocs);
  const heldOutCorpus = new PretrainingCorpus(tokenizer, loadLeeCorpus('test'));
  const rng = new RandomState(99);
  const heldOut: PretrainingExample[] = Array.from({ length: 128 }, () =>
    heldOutCorpus.sample(rng, maxLength),
  );
  const pretrainer = new BertForPreTraining(bert, tokenizer);
  const steps = options.pretrainSteps ?? 2000;
  let stopped = false;
  const shouldStop = () => {
    stopped ||= options.shouldStop?.() ?? false;
    return stopped;
  };
  let t0 = performance.now();
  if (steps > 0)
    pretrainer.fit(corpus, {
      steps,
      batchSize: options.batchSize ?? 32,
      maxLength,
      lr: options.pretrainLr ?? 5e-4,
      heldOut,
      evalEvery: 250,
      onProgress: (e) => options.onProgress?.('pretrain', e),
      shouldStop,
    });
  if (options.outPretrained) {
    mkdirSync(options.outPretrained, { recursive: true });
    await bert.save(options.outPretrained, tokenizer);
  }
  const pretrain = {
    steps: pretrainer.lossCurve.length,
    seconds: (performance.now() - t0) / 1000,
    firstLoss: pretrainer.lossCurve[0] ?? Number.NaN,
    lastLoss:
      pretrainer.lossCurve.slice(-20).reduce((a, b) => a + b, 0) / Math.min(20, pretrainer.lossCurve.length),
    heldOut: pretrainer.evaluate(heldOut),
  };
  // 3. fine-tuning
  const classifier = new BertForSequenceClassification(bert, tokenizer, ['negative', 'positive']);
  t0 = performance.now();
  if (!stopped)
    classifier.fit(
      sst.map((r) => r.sentence),
      sst.map((r) => r.label),
      {
        epochs: options.epochs ?? 2,
        batchSize: options.batchSize ?? 32,
        lr: options.lr ?? 2e-4,
        maxLength,
        valTexts: dev.map((r) => r.sentence),
        valLabels: dev.map((r) => r.label),
        evalEvery: 500,
        onProgress: (e) => options.onProgress?.('finetune', e),
        shouldStop,
      },
    );
  const finetune = {
    steps: classifier.lossCurve.length,
    seconds: (performance.now() - t0) / 1000,
    devAccuracy: stopped
      ? Number.NaN
      : classifier.accuracy(
          dev.map((r) => r.sentence),
          dev.map((r) => r.label),
        ),
    testAccuracy: stopped
      ? Number.NaN
      : classifier.accuracy(
          test.map((r) => r.sentence),
          test.map((r) => r.label),
        ),
  };
  if (options.out) await saveBertClassifier(options.out, bert, tokenizer);
  return {
    tokenizer,
    bert,
    pretrainer,
    classifier,
    pretrain,
    finetune,
    bankCosine: bankCosine(bert, tokenizer),
    stopped,
  };
}

/** `--flag value` pairs from argv. */
function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (!a.startsWith('--') || i + 1 >= argv.length)
      throw new ValidationError(`expected --flag value pairs, got ${JSON.stringify(a)}`, 'argv');
    out[a.slice(2)] = argv[++i]!;
  }
  return out;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const num = (k: string) => (a[k] === undefined ? undefined : Number(a[k]));
  const out = a.out ? resolve(process.env.INIT_CWD ?? process.cwd(), a.out) : null;
  const r = await trainBert({
    vocabSize: num('vocab-size'),
    hiddenSize: num('hidden'),
    numHiddenLayers: num('layers'),
    numAttentionHeads: num('heads'),
    pretrainSteps: num('pretrain-steps'),
    epochs: num('epochs'),
    lr: num('lr'),
    pretrainLr: num('pretrain-lr'),
    batchSize: num('batch-size'),
    trainLimit: num('train-limit'),
    leeOnly: a['lee-only'] === 'true',
    out,
    outPretrained: a['out-pretrained']
      ? resolve(process.env.INIT_CWD ?? process.cwd(), a['out-pretrained'])
      : null,
    onProgress: (stage, e) => {
      if (e.phase === 'step' && e.step % 50 !== 0) return;
      const m = Object.entries(e.metrics ?? {})
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join('  ');
      console.log(
        `${stage} ${e.phase} ${e.step}/${e.steps}  loss ${e.loss.toFixed(4)}  ${m}  ${(e.elapsedMs / 1000).toFixed(0)} s`,
      );
    },
  });
  console.log(
    JSON.stringify({ pretrain: r.pretrain, finetune: r.finetune, bankCosine: r.bankCosine }, null, 2),
  );
  if (out) console.log(`saved ${out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  main().catch((error: Error) => {
    console.error(`train:bert: ${error.message}`);
    process.exitCode = 1;
  });
