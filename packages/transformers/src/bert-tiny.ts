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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { BertForPreTraining, BertForSequenceClassification } from './bert-heads.js';
import { BertModel } from './bert-model.js';
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

let cached: Promise<TinyBert> | null = null;

/** The shipped models, read once per process (or from other folders of the same shapes). */
export function loadTinyBert(folders: { pretrained?: string; sst2?: string } = {}): Promise<TinyBert> {
  const load = async (): Promise<TinyBert> => {
    const pretrained = folders.pretrained ?? dataPath('models/bert-tiny');
    const sst2 = folders.sst2 ?? dataPath('models/bert-tiny-sst2');
    const bert = await BertModel.load(pretrained);
    const tokenizer = WordPieceTokenizer.fromVocabTxt(readFileSync(join(pretrained, 'vocab.txt'), 'utf8'));
    const config = JSON.parse(readFileSync(join(sst2, 'config.json'), 'utf8')) as {
      id2label?: Record<string, string>;
    };
    const labels = Object.entries(config.id2label ?? { 0: 'negative', 1: 'positive' })
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, l]) => l);
    return {
      bert,
      tokenizer,
      pretrainer: new BertForPreTraining(bert, tokenizer),
      classifier: new BertForSequenceClassification(await BertModel.load(sst2), tokenizer, labels),
    };
  };
  if (folders.pretrained || folders.sst2) return load();
  cached ??= load().catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}
