/**
 * @firth/pipelines — the course's table of Hugging Face pipeline tasks ("Other Huggingface
 * Pipelines") on Firth's own models: `pipeline(task, model?)` in transformers.js's shape, Hugging
 * Face's task names, inputs, options and outputs.
 *
 *   const classify = await pipeline('sentiment-analysis');
 *   await classify('I love this!')   // [{ label: 'POSITIVE', score: 0.9… }]
 */

export {
  type ChatMessage,
  type ChatRole,
  Conversation,
  type ConversationalPipeline,
  type ConversationInput,
} from './conversational.js';
export {
  type AbstractiveSummarizationPipeline,
  ENCODER_DECODERS,
  loadEncoderDecoder,
  type Seq2SeqPipeline,
  type Seq2SeqPipelineOptions,
  type Seq2SeqRequest,
  type Seq2SeqTextModel,
  seq2seqRequest,
  type Text2TextGenerationPipeline,
  type TranslationOptions,
  type TranslationPipeline,
} from './encoder-decoder.js';
export {
  checkLexiconPair,
  LEXICON_PAIRS,
  Lexicon,
  type LexiconTranslation,
  lexiconTranslate,
} from './lexicon-translator.js';
export {
  answerF1,
  type EntityScores,
  type EntitySpan,
  entityScores,
  exactMatch,
  normalizeAnswer,
} from './metrics.js';
export { type EntityType, NER_LABELS, RuleNerTagger } from './ner-tagger.js';
export {
  type ClassificationLabel,
  type FeatureExtractionOptions,
  type FeatureExtractionPipeline,
  type FillMaskOptions,
  type FillMaskPipeline,
  type FillMaskResult,
  type GeneratedText,
  type Pipeline,
  type PipelineInfo,
  type PipelineModel,
  pipeline,
  type TextClassificationOptions,
  type TextClassificationPipeline,
  type TextGenerationOptions,
  type TextGenerationPipeline,
} from './pipeline.js';
export { answerType, RuleQa } from './qa-rules.js';
export {
  answerQuestions,
  type QaAnswer,
  type QaInput,
  type QaModel,
  type QaModelOptions,
  type QuestionAnsweringOptions,
  type QuestionAnsweringPipeline,
} from './question-answering.js';
export { type Rouge, type RougeScore, rouge } from './rouge.js';
// USE-lite, read once per process and shared (the n8n Embeddings node uses the same copy).
export { loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';
export type {
  SentenceSimilarityInput,
  SentenceSimilarityPipeline,
} from './sentence-similarity.js';
export {
  loadSentimentDefault,
  markNegation,
  NgramLogisticRegression,
  type SentimentEnsemble,
  type SentimentPrediction,
  sstTokenize,
} from './sentiment.js';
export {
  type SummarizationOptions,
  type SummarizationPipeline,
  type Summary,
  splitSentences,
} from './summarization.js';
export type {
  Table,
  TableAggregator,
  TableAnswer,
  TableQuestionAnsweringInput,
  TableQuestionAnsweringPipeline,
} from './table-qa.js';
export {
  COURSE_TASKS,
  type CourseTask,
  type DefaultModel,
  NO_DEFAULT,
  type ResolvedTask,
  resolveTask,
  SUPPORTED_TASKS,
  TASK_ALIASES,
  type TaskInfo,
  taskInfo,
} from './tasks.js';
export { TEXT2TEXT_PREFIXES, type Text2TextDefaultPipeline, type Text2TextResult } from './text2text.js';
export {
  AGGREGATION_STRATEGIES,
  type AggregationStrategy,
  aggregateTokens,
  type EntityGroup,
  joinWordPieces,
  type PreEntity,
  type TokenClassificationOptions,
  type TokenClassificationPipeline,
  type TokenClassifier,
  type TokenEntity,
} from './token-classification.js';
export type { LexiconTranslationOptions, LexiconTranslationPipeline } from './translation.js';
export { bleu, chrF } from './translation-metrics.js';
export type {
  ZeroShotClassificationPipeline,
  ZeroShotOptions,
  ZeroShotOutput,
} from './zero-shot.js';
