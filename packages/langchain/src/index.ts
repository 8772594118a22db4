/**
 * @firth/langchain — Firth's models as LangChain.js tools (and, as they land, Embeddings,
 * VectorStores, Retrievers and chat models). Thin adapters over the core packages.
 */

// A chat model over Firth's local transformer (llama2.c TinyStories): invoke, stream, stop, usage.
export {
  FirthChatModel,
  type FirthChatModelCallOptions,
  type FirthChatModelFields,
} from './chat-models/firth-chat-model.js';
// Embeddings for any LangChain vector store, offline: from Firth's tiny BERT (contextual token
// vectors, mean-pooled or [CLS], 128 dimensions) and from Firth's word vectors.
export {
  FirthBertEmbeddings,
  type FirthBertEmbeddingsParams,
} from './embeddings/firth-bert-embeddings.js';
export { FirthEmbeddings, type FirthEmbeddingsParams } from './embeddings/firth-embeddings.js';
// …and from Universal Sentence Encoder Lite (Google's pretrained sentence encoder, 512 dimensions).
export {
  FirthUseEmbeddings,
  type FirthUseEmbeddingsParams,
  type SentenceEncoder,
  type UseLiteLoadOptions,
} from './embeddings/firth-use-embeddings.js';
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
