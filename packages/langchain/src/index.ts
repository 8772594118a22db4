/**
 * @firth/langchain — Firth's models as LangChain.js tools (and, as they land, Embeddings,
 * VectorStores, Retrievers and chat models). Thin adapters over the core packages.
 */

// Tools an agent can call.
export {
  type PerceptronToolInput,
  perceptronSchema,
  perceptronTool,
  trainPerceptron,
} from './tools/perceptron.js';
