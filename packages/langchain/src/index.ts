/**
 * @firth/langchain — Firth's models as LangChain.js tools, with Firth's LangChain chat model and
 * Embeddings (from @firth/llm and @firth/rag) in the same entry. Thin adapters over the core
 * packages: core never imports this package (test/src/packages/layers.test.ts).
 */

// A chat model over Firth's local transformer (llama2.c TinyStories): invoke, stream, stop, usage.
// It lives in @firth/llm (beside the other chat models) and is re-exported here.
export {
  FirthChatModel,
  type FirthChatModelCallOptions,
  type FirthChatModelFields,
} from '@firth/llm';
// Embeddings for any LangChain vector store, offline: from Firth's tiny BERT (contextual token
// vectors, mean-pooled or [CLS], 128 dimensions), from Firth's word vectors, and from Universal
// Sentence Encoder Lite (Google's pretrained sentence encoder, 512 dimensions). They live in
// @firth/rag (beside the vector stores) and are re-exported here.
export {
  FirthBertEmbeddings,
  type FirthBertEmbeddingsParams,
  FirthEmbeddings,
  type FirthEmbeddingsParams,
  FirthUseEmbeddings,
  type FirthUseEmbeddingsParams,
  type SentenceEncoder,
  type UseLiteLoadOptions,
} from '@firth/rag';
// Tools an agent can call: each is `tool(fn, { name, description, schema })`, and the plain
// function behind it is exported too.
export {
  type ActivationToolInput,
  activationSchema,
  activationTool,
  evaluateActivation,
} from './tools/activation.js';
export {
  type AttentionToolInput,
  attentionSchema,
  attentionTool,
  selfAttentionWeights,
} from './tools/attention.js';
export {
  type ConvolutionToolInput,
  convolutionSchema,
  convolutionTool,
  convolve,
} from './tools/convolution.js';
// Every tool in one list for an agent: firthTools().
export { type FirthToolsOptions, firthTools } from './tools/firth-tools.js';
export { type MLPToolInput, mlpSchema, mlpTool, trainMlp } from './tools/mlp.js';
export {
  type PerceptronToolInput,
  perceptronSchema,
  perceptronTool,
  trainPerceptron,
} from './tools/perceptron.js';
// The course's Hugging Face pipeline table (@firth/pipelines): a tool per task.
export {
  callPipeline,
  type PipelineInputs,
  type PipelineTaskShape,
  type PipelineToolOptions,
  pipelineArguments,
  pipelineDescription,
  pipelineTaskShape,
  pipelineTool,
  pipelineTools,
  TASK_SHAPES,
} from './tools/pipeline.js';
export {
  type CharRnnToolInput,
  type CharSampler,
  charRnnSchema,
  charRnnTool,
  generateWithCharRnn,
} from './tools/text-generator.js';
export {
  type TextVectorizerToolInput,
  textVectorizerSchema,
  textVectorizerTool,
  vectorizeTexts,
} from './tools/text-vectorizer.js';
export {
  contextualSimilaritySchema,
  contextualSimilarityTool,
  contextualWordSimilarity,
  fillMask,
  fillMaskSchema,
  fillMaskTool,
  sentiment,
  sentimentSchema,
  sentimentTool,
} from './tools/tiny-bert.js';
export {
  generateStory,
  type TinyStoriesToolInput,
  tinyStoriesSchema,
  tinyStoriesTool,
} from './tools/tinystories.js';
export {
  type TokenizerToolInput,
  tokenizerSchema,
  tokenizerTool,
  tokenizeText,
} from './tools/tokenizer.js';
export {
  type GloVeTrainToolInput,
  gloVeTrainSchema,
  gloVeTrainTool,
  trainGloVe,
  trainWord2Vec,
  type Word2VecTrainToolInput,
  word2VecTrainSchema,
  word2VecTrainTool,
} from './tools/train-word-vectors.js';
export { wordVectorTools } from './tools/word-vectors.js';
