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
// Tools an agent can call: each is `tool(fn, { name, description, schema })`, and the plain
// function behind it is exported too.
export {
  type ActivationToolInput,
  activationSchema,
  activationTool,
  evaluateActivation,
} from './tools/activation.js';
export {
  type ConvolutionToolInput,
  convolutionSchema,
  convolutionTool,
  convolve,
} from './tools/convolution.js';
export { type MLPToolInput, mlpSchema, mlpTool, trainMlp } from './tools/mlp.js';
export {
  type PerceptronToolInput,
  perceptronSchema,
  perceptronTool,
  trainPerceptron,
} from './tools/perceptron.js';
export {
  type CharRnnToolInput,
  charRnnSchema,
  charRnnTool,
  generateWithCharRnn,
} from './tools/text-generator.js';
export { wordVectorTools } from './tools/word-vectors.js';
