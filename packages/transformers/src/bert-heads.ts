/**
 * BERT's heads and how each is trained (course: "BERT", "Question Answering with BERT"):
 *
 *   pretraining   masked LM: 15 % of the tokens are chosen; of those 80 % become [MASK], 10 % a
 *                 random token, 10 % stay — the model predicts the original at each chosen place:
 *                   logits = LN(GELU(h Wt + bt)) Eᵀ + b        (E: the word embeddings, tied)
 *                 next-sentence prediction: is segment B the sentence that followed A (label 0)
 *                 or a random one (label 1)?   logits = pooled Wnsp + bnsp
 *                 loss = CE(masked LM) + CE(NSP)                (BertForPreTraining)
 *   sequence      logits = Dropout(pooled) Wc + bc               (BertForSequenceClassification)
 *   token         logits_t = Dropout(h_t) Wc + bc, every token   (BertForTokenClassification)
 *   question      [CLS] question [SEP] context [SEP];  start_t, end_t = h_t Wqa + bqa;
 *   answering     answer = the context span i ≤ j (j − i < maxAnswerLength) maximising
 *                 p_start(i) · p_end(j)                          (BertForQuestionAnswering)
 *
 * One file per task: bert-pretraining.ts, bert-sequence-classification.ts,
 * bert-token-classification.ts, bert-question-answering.ts; what they share in bert-fit.ts (the
 * training loop, batching, checks) and bert-label-head.ts (labels and the classifier layer).
 *
 * Each head adds its weights to the BertModel's store under Hugging Face's names, so one
 * safetensors file holds encoder and heads. Training: AdamW (no decay on biases and norms),
 * linear warm-up then cosine decay, gradient clipping at 1, dropout on, progress events.
 */
export type { BertFitOptions, BertProgress } from './bert-fit.js';
export {
  BertForPreTraining,
  type FillMaskPrediction,
  maskTokens,
  PretrainingCorpus,
  type PretrainingExample,
  splitSentences,
} from './bert-pretraining.js';
export { BertForQuestionAnswering, type QaAnswer, type QaExample } from './bert-question-answering.js';
export { BertForSequenceClassification, type TextClassification } from './bert-sequence-classification.js';
export {
  BertForTokenClassification,
  type TaggedSentence,
  type TokenPrediction,
} from './bert-token-classification.js';
