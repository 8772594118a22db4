/**
 * @firth/transformers — the course's transformer lessons from scratch.
 *
 * The Node entry (also `@firth/transformers/node`): everything in the browser entry (browser.ts)
 * and what reads files — the shipped llama2.c model and tokenizers, Hugging Face folders (BERT,
 * GPT-2, their tokenizers), bert-tiny, and the training scripts.
 */
// ── Everything that needs no file system: tokenizers, attention, autograd, GPT, llama2.c from bytes,
//    generation (browser.ts)

// ── Hugging Face checkpoints (config.json + model.safetensors): GPT-2 as a GPT that runs and trains
//   (gpt2.ts: loadGpt2; Gpt2, deprecated: its one-sequence facade);
//   Bert (bert.ts, deprecated): a one-sequence facade over BertModel.load
//   (await loadGpt2('models/gpt2')).forward([[15496, 995]])  // logits (1, 2, 50257)
export { Bert, type BertConfig, type BertInput, geluErf } from './bert.js';
// ── BERT, trainable (bert-model.ts, bert-heads.ts): HF names, save/load, pretraining and fine-tuning heads
//   new BertForSequenceClassification(new BertModel({ vocabSize }), tokenizer, ['negative', 'positive']).fit(texts, labels)
export {
  type BertFitOptions,
  BertForPreTraining,
  BertForQuestionAnswering,
  BertForSequenceClassification,
  BertForTokenClassification,
  type BertProgress,
  type FillMaskPrediction,
  maskTokens,
  PretrainingCorpus,
  type PretrainingExample,
  type QaAnswer,
  type QaExample,
  splitSentences,
  type TaggedSentence,
  type TextClassification,
  type TokenPrediction,
} from './bert-heads.js';
export { type BertBatch, BertModel, type BertModelConfig, collate, poolVectors } from './bert-model.js';
export { loadBertForPreTraining, loadTinyBert, type TinyBert } from './bert-tiny.js';
export * from './browser.js';
export { Gpt2, type Gpt2Config, linear, loadGpt2 } from './gpt2.js';
// ── Users' Hugging Face checkpoints (save_pretrained folders): loadHfModel picks the class from
//   config.json (hf-auto.ts); BERT / DistilBERT / RoBERTa and their task heads (hf-encoders.ts);
//   Llama-family as a CausalLM (hf-llama.ts)
//   const m = await loadHfModel('models/distilbert-sst2', { task: 'sentiment-analysis' })
//   await generate(await loadLlama('models/TinyLlama'), tokenizer, 'Hello', { temperature: 0 })
export { HF_MODEL_TASKS, type HfModel, type HfModelOptions, loadHfModel } from './hf-auto.js';
export { type HfCheckpoint, readHfCheckpoint } from './hf-checkpoint.js';
export {
  type EncoderArchitecture,
  type EncoderHead,
  type EncoderInput,
  type EncoderOutput,
  encoderArchitectureOf,
  encoderHeadOf,
  HfEncoder,
} from './hf-encoders.js';
export {
  hfRopeRowsToInterleaved,
  type LlamaLoadOptions,
  llamaConfigFromHf,
  llamaFromHf,
  loadLlama,
  saveLlama,
} from './hf-llama.js';
// ── Hugging Face encoder–decoders (hf-seq2seq.ts, seq2seq-generate.ts): T5, BART, Marian folders and
//   HF's greedy / beam-search generation over token ids (a tokenizer encodes and decodes around it)
//   generateSeq2Seq(await loadSeq2Seq('models/t5-small'), ids, { numBeams: 4 }).sequences[0]
export {
  BartForConditionalGeneration,
  type DecoderBatch,
  type DecoderRun,
  type EncoderDecoderLM,
  loadSeq2Seq,
  marianSinusoidalPositions,
  relativePositionBucket,
  type Seq2SeqArchitecture,
  type Seq2SeqGenerationConfig,
  type Seq2SeqTaskParams,
  seq2seqForward,
  T5ForConditionalGeneration,
} from './hf-seq2seq.js';
// ── llama2.c: the shipped TinyStories 260K model from disk (llama2c-file.ts)
//   const model = await loadLlama2c(); model.start().step(1) // logits after BOS
export { loadLlama2c } from './llama2c-file.js';
export {
  bannedNgramTokens,
  generateSeq2Seq,
  generateSeq2SeqBatch,
  generateSeq2SeqText,
  generateSeq2SeqTexts,
  type Seq2SeqGenerateOptions,
  type Seq2SeqGeneration,
  type Seq2SeqText,
  type Seq2SeqTextOptions,
  seq2seqTaskOptions,
} from './seq2seq-generate.js';
// ── Tokenizers from disk: a Hugging Face folder, llama2.c's tok512.bin, the shipped ones
//   loadLlama2cTokenizer().encode('Once upon a time') // [1, 403, 407, 261, 378]
// ── Any Hugging Face folder's tokenizer as the tokenizer.json pipeline (Unigram T5/ALBERT, RoBERTa's
//    byte-level BPE, …) with its chat template: (await loadAutoTokenizer('models/t5-small')).encode('Hi')
export { loadAutoTokenizer, loadHfTokenizer } from './tokenizers/hf-folder.js';
export { loadLlama2cTokenizer } from './tokenizers/sentencepiece-file.js';
export {
  SHIPPED_TOKENIZERS,
  type ShippedTokenizerName,
  shippedTokenizer,
  tokenizeForDisplay,
} from './tokenizers/shipped.js';
export {
  bankCosine,
  cosine,
  MONEY_BANK,
  RIVER_BANK,
  saveBertClassifier,
  type TrainBertOptions,
  type TrainBertResult,
  trainBert,
  wordVector,
} from './train-bert.js';
export {
  parseTrainArgs,
  readCharGptCheckpoint,
  type TrainCharGptOptions,
  type TrainCharGptResult,
  trainCharGpt,
  writeCharGptCheckpoint,
} from './train-char-gpt.js';
