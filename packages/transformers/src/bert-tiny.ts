/**
 * The shipped tiny BERT: pretrained here (masked LM + NSP on the Lee corpus and SST-2 phrases) and
 * fine-tuned on SST-2 by train-bert.ts, saved as a Hugging Face folder in @firth/datasets
 * (`models/bert-tiny-sst2`: config.json, model.safetensors, vocab.txt). What the n8n Fill Mask and
 * Contextual Embeddings nodes, the LangChain BERT embeddings and the bert-bank workflow run on.
 *
 *   const { pretrainer, classifier } = await loadTinyBert();
 *   pretrainer.fillMask('he went to the [MASK] to deposit money .')
 *   classifier.predict(['a charming and moving film'])   // [{ label: 'positive', score, scores }]
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { BertForPreTraining, BertForSequenceClassification } from './bert-heads.js';
import { BertModel } from './bert-model.js';
import { WordPieceTokenizer } from './tokenizers/wordpiece.js';

export interface TinyBert {
  bert: BertModel;
  tokenizer: WordPieceTokenizer;
  /** Masked-LM and NSP heads (fill-mask). */
  pretrainer: BertForPreTraining;
  /** The SST-2 sentiment head: labels negative, positive. */
  classifier: BertForSequenceClassification;
}

let cached: Promise<TinyBert> | null = null;

/** The shipped model, read once per process. */
export function loadTinyBert(folder = dataPath('models/bert-tiny-sst2')): Promise<TinyBert> {
  const load = async (): Promise<TinyBert> => {
    const bert = await BertModel.load(folder);
    const tokenizer = WordPieceTokenizer.fromVocabTxt(readFileSync(`${folder}/vocab.txt`, 'utf8'));
    const config = JSON.parse(readFileSync(`${folder}/config.json`, 'utf8')) as { id2label?: Record<string, string> };
    const labels = Object.entries(config.id2label ?? { 0: 'negative', 1: 'positive' })
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, l]) => l);
    return {
      bert,
      tokenizer,
      pretrainer: new BertForPreTraining(bert, tokenizer),
      classifier: new BertForSequenceClassification(bert, tokenizer, labels),
    };
  };
  if (folder !== dataPath('models/bert-tiny-sst2')) return load();
  cached ??= load();
  return cached;
}
