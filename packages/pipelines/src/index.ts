/**
 * @firth/pipelines — the course's table of Hugging Face pipeline tasks ("Other Huggingface
 * Pipelines") on Firth's own models: `pipeline(task, model?)` in transformers.js's shape, Hugging
 * Face's task names, inputs, options and outputs.
 *
 *   const classify = await pipeline('sentiment-analysis');
 *   await classify('I love this!')   // [{ label: 'positive', score: 0.9… }]
 */
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
export { type Rouge, type RougeScore, rouge } from './rouge.js';
export type {
  SentenceSimilarityInput,
  SentenceSimilarityPipeline,
} from './sentence-similarity.js';
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
  type ResolvedTask,
  resolveTask,
  SUPPORTED_TASKS,
  TASK_ALIASES,
  type TaskInfo,
  taskInfo,
} from './tasks.js';
export type {
  ZeroShotClassificationPipeline,
  ZeroShotOptions,
  ZeroShotOutput,
} from './zero-shot.js';
