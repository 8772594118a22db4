/**
 * @firth/pipelines — the course's table of Hugging Face pipeline tasks ("Other Huggingface
 * Pipelines") on Firth's own models: `pipeline(task, model?)` in transformers.js's shape, Hugging
 * Face's task names, inputs, options and outputs.
 *
 *   const classify = await pipeline('sentiment-analysis');
 *   await classify('I love this!')   // [{ label: 'POSITIVE', score: 0.9… }]
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
export {
  loadSentimentDefault,
  markNegation,
  NgramLogisticRegression,
  type SentimentEnsemble,
  type SentimentPrediction,
  sstTokenize,
} from './sentiment.js';
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
