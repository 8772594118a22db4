/**
 * The shipped tiny BERT, made here by train-bert.ts (`pnpm train:bert`) and saved as two Hugging
 * Face folders in @firth/datasets, as Hugging Face publishes a base model and its fine-tunes:
 *   models/bert-tiny       — pretrained (masked LM + NSP on the Lee corpus and SST-2 phrases):
 *                            fill-mask, contextual embeddings, sentence vectors;
 *   models/bert-tiny-sst2  — the same model fine-tuned on SST-2 (sentiment, negative/positive).
 * Both have config.json, model.safetensors and the same vocab.txt. What the n8n Fill Mask,
 * Contextual Embeddings and Sentiment nodes, the LangChain BERT embeddings and the bert-bank
 * workflow run on.
 *
 *   const { pretrainer, classifier } = await loadTinyBert();
 *   pretrainer.fillMask('it is a [MASK] film .')
 *   classifier.predict(['a charming and moving film'])   // [{ label: 'positive', score, scores }]
 */
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { decodeUtf8, FormatError, shape, trackModelLoad } from '@firth/numeric';
import { BertForPreTraining, BertForSequenceClassification } from './bert-heads.js';
import { BertModel } from './bert-model.js';
import { type HfCheckpoint, readHfCheckpoint, readModelFile } from './hf-checkpoint.js';
import type { CheckpointOptions } from './safetensors.js';
import { WordPieceTokenizer } from './tokenizers/wordpiece.js';

export interface TinyBert {
  /** The pretrained encoder (contextual embeddings). */
  bert: BertModel;
  tokenizer: WordPieceTokenizer;
  /** Its masked-LM and NSP heads (fill-mask). */
  pretrainer: BertForPreTraining;
  /** The SST-2 fine-tune: labels negative, positive. */
  classifier: BertForSequenceClassification;
}

/** The label names of a classifier's config.json: id2label with ids 0 … n−1. */
const labelConfig = shape.object({
  id2label: shape.optional(shape.record(shape.string({ nonEmpty: true }))),
});

function labelsOf(ckpt: HfCheckpoint): string[] {
  const { id2label = { 0: 'negative', 1: 'positive' } } = ckpt.checkConfig(labelConfig);
  const labels = Object.keys(id2label).map((_, i) => id2label[i]);
  if (labels.some((l) => l === undefined))
    throw new FormatError(ckpt.configFile, '$.id2label', `must number its labels 0 … ${labels.length - 1}`);
  return labels as string[];
}

/** A model from a folder, every parameter its heads use read from the checkpoint (none left random). */
function fromCheckpoint<M extends { bert: BertModel }>(
  ckpt: HfCheckpoint,
  withHeads: (bert: BertModel) => M,
): M {
  const model = withHeads(
    BertModel.fromTensors(ckpt.config, ckpt.tensors, { config: ckpt.configFile, weights: ckpt.weightsFile }),
  );
  const fresh = model.bert.newlyInitialized();
  if (fresh.length)
    throw new FormatError(
      ckpt.weightsFile,
      '',
      `has no tensor "${fresh[0]}"${fresh.length > 1 ? ` (nor ${fresh.length - 1} more)` : ''}, which the model needs`,
    );
  return model;
}

/**
 * A Hugging Face `BertForPreTraining` folder — config.json, model.safetensors and vocab.txt, as
 * `BertModel.save` writes it: the encoder and its masked-LM and NSP heads, all read from the
 * checkpoint (none left random), and the WordPiece vocabulary (as many pieces as vocab_size).
 *
 *   const pretrainer = await loadBertForPreTraining(dataPath('models/bert-tiny'));
 *   pretrainer.fillMask('it is a [MASK] film .')
 */
export async function loadBertForPreTraining(
  folder: string,
  options: CheckpointOptions = {},
): Promise<BertForPreTraining> {
  const vocabFile = join(folder, 'vocab.txt');
  const vocab = decodeUtf8(await readModelFile(vocabFile), vocabFile);
  const tokenizer = WordPieceTokenizer.fromVocabTxt(vocab);
  const ckpt = await readHfCheckpoint(folder, [''], options);
  return fromCheckpoint(ckpt, (bert) => {
    if (tokenizer.vocabSize !== bert.config.vocabSize)
      throw new FormatError(
        vocabFile,
        '',
        `has ${tokenizer.vocabSize} pieces, but ${ckpt.configFile} says vocab_size ${bert.config.vocabSize}`,
      );
    return new BertForPreTraining(bert, tokenizer);
  });
}

let cached: Promise<TinyBert> | null = null;

/**
 * The shipped models, read once per process (or from other folders of the same shapes). Every
 * file is checked (config.json fields, the safetensors layout, vocab.txt against vocab_size, the
 * heads' tensors present); NaN/Infinity weights are refused unless `allowNonFinite`.
 */
export function loadTinyBert(
  folders: { pretrained?: string; sst2?: string } = {},
  options: CheckpointOptions = {},
): Promise<TinyBert> {
  const load = async (): Promise<TinyBert> => {
    const pretrainer = await loadBertForPreTraining(
      folders.pretrained ?? dataPath('models/bert-tiny'),
      options,
    );
    const { bert, tokenizer } = pretrainer;
    const tuned = await readHfCheckpoint(folders.sst2 ?? dataPath('models/bert-tiny-sst2'), [''], options);
    const labels = labelsOf(tuned);
    const classifier = fromCheckpoint(tuned, (b) => new BertForSequenceClassification(b, tokenizer, labels));
    return { bert, tokenizer, pretrainer, classifier };
  };
  if (folders.pretrained || folders.sst2) return load();
  cached ??= trackModelLoad('bert-tiny', load()).catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}
