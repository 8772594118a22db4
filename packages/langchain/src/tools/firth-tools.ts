/**
 * `firthTools()` — every Firth capability that @firth/langchain can offer as a LangChain tool, in
 * one list for an agent (`createAgent({ model, tools: firthTools() })`). Each tool validates its
 * arguments with its zod schema before any work, evaluates no code, runs no shell and reads no
 * file named by its arguments (models and vectors are the shipped ones, read by the core packages).
 *
 *   firthTools().map((t) => t.name)
 *   // ['perceptron', 'mlp', 'activation_function', 'convolution', 'char_rnn_generate', 'similar_words', …]
 *
 * The prompt-template and tokenizer-playground tools live in @firth/agents: they sit on @firth/llm,
 * which itself depends on this package.
 */
import type { KeyedVectors } from '@firth/embeddings';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { activationTool } from './activation.js';
import { attentionTool } from './attention.js';
import { convolutionTool } from './convolution.js';
import { mlpTool } from './mlp.js';
import { perceptronTool } from './perceptron.js';
import { charRnnTool } from './text-generator.js';
import { textVectorizerTool } from './text-vectorizer.js';
import { contextualSimilarityTool, fillMaskTool, sentimentTool } from './tiny-bert.js';
import { tinyStoriesTool } from './tinystories.js';
import { tokenizerTool } from './tokenizer.js';
import { gloVeTrainTool, word2VecTrainTool } from './train-word-vectors.js';
import { wordVectorTools } from './word-vectors.js';

export interface FirthToolsOptions {
  /** The word vectors of the word-vector tools. @default the shipped GloVe 6B 100d (20k words) */
  vectors?: KeyedVectors | (() => Promise<KeyedVectors>);
}

/** All the tools, a fresh list each call (the tool objects themselves are shared). */
export function firthTools(options: FirthToolsOptions = {}): StructuredToolInterface[] {
  return [
    perceptronTool,
    mlpTool,
    activationTool,
    convolutionTool,
    charRnnTool,
    ...wordVectorTools(options.vectors),
    attentionTool,
    tokenizerTool,
    tinyStoriesTool,
    fillMaskTool,
    contextualSimilarityTool,
    sentimentTool,
    textVectorizerTool,
    word2VecTrainTool,
    gloVeTrainTool,
  ];
}
