/**
 * text-classification / sentiment-analysis on a user's Hugging Face folder: a BERT, DistilBERT or
 * RoBERTa …ForSequenceClassification (config.json's id2label names the labels) with its tokenizer,
 * as Hugging Face's TextClassificationPipeline runs it — the text encoded with the model's special
 * tokens (cut to its positions), the logits turned into scores by a softmax over the labels, or a
 * sigmoid per label when config.json's problem_type is multi_label_classification or there is one
 * label (HF's function_to_apply default), the top_k best first.
 */
import { ValidationError } from '@firth/numeric';
import { encodeForEncoder, loadEncoderFolder, runEncoder, softmax } from './hf-folder.js';
import {
  type ClassificationLabel,
  type TextClassificationOptions,
  type TextClassificationPipeline,
  texts,
  wholeNumber,
  withInfo,
} from './pipeline.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export async function folderTextClassification(folder: string): Promise<TextClassificationPipeline> {
  const { encoder, tokenizer, info, config } = await loadEncoderFolder(folder, 'text-classification');
  const { labels } = encoder;
  const multiLabel = config.problem_type === 'multi_label_classification' || labels.length === 1;
  const scores = (text: string): number[] => {
    const logits = (runEncoder(encoder, encodeForEncoder(encoder, tokenizer, text)).logits as number[][])[0]!;
    return multiLabel ? logits.map(sigmoid) : softmax(logits);
  };
  return withInfo(
    async (input: string | string[], options: TextClassificationOptions = {}) => {
      const list = texts(input, 'text-classification');
      if (typeof options !== 'object' || options === null)
        throw new ValidationError('text-classification: options must be an object', 'options');
      const all = options.top_k === null;
      const k = all ? labels.length : wholeNumber(options.top_k ?? 1, 'top_k', 1);
      const ranked: ClassificationLabel[][] = list.map((text) =>
        scores(text)
          .map((score, i) => ({ label: labels[i]!, score }))
          .sort((a, b) => b.score - a.score)
          .slice(0, k),
      );
      if (!Array.isArray(input)) return ranked[0]!;
      return k === 1 && !all ? ranked.map((r) => r[0]!) : ranked;
    },
    'text-classification',
    info,
  ) as TextClassificationPipeline;
}
