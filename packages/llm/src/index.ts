/**
 * @firth/llm — LLM access for Firth (course: "groq Playground", "Access Cloud Based LLMs
 * (groq.com)", "Prompt Engineering", "Tokenizer Playground", "Local LLM i.e. Ollama").
 *
 *   import { chat } from '@firth/llm';
 *   await chat({ provider: 'local', temperature: 0, maxTokens: 20 }, 'Once upon a time')
 *   // { text: ', there was a little girl …', usage: { promptTokens: 5, completionTokens: 20, totalTokens: 25 }, … }
 */

// ── One chat interface, many providers: Groq, Ollama, any OpenAI-compatible URL, Firth's local model
export {
  type ChatConfig,
  DEFAULT_BASE_URLS,
  DEFAULT_FIRTH_SERVER_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MODELS,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_TIMEOUT_MS,
  firthServerFromEnv,
  GGUF_MODEL_ENV,
  MAX_STOP_SEQUENCES,
  PROVIDERS,
  type Provider,
  validateChatConfig,
} from './config.js';
// ── Errors: one LlmError with a clear message and `retryable`; keys redacted everywhere
export {
  describeError,
  type ErrorContext,
  LlmError,
  type LlmErrorKind,
  redact,
  retryAfterMs,
  toLlmError,
} from './errors.js';
// ── Firth's own local model as a LangChain chat model: llama2.c TinyStories, or a char-GPT checkpoint
export {
  FirthChatModel,
  type FirthChatModelCallOptions,
  type FirthChatModelFields,
} from './firth-chat-model.js';
// ── The user's own model, offline: any GGUF file through llama.cpp (optional peer node-llama-cpp)
export {
  type GgufGenerateOptions,
  type GgufModel,
  type GgufModelOptions,
  type GgufTurn,
  loadGgufModel,
  NODE_LLAMA_CPP_VERSION,
} from './gguf.js';
export { GgufChatModel, type GgufChatModelFields, toGgufMessages } from './gguf-chat-model.js';
// ── The playground's "view code": the same call as groq-sdk / openai, Python, LangChain.js and Firth
export {
  type PlaygroundCodeOptions,
  type PlaygroundSnippet,
  type PlaygroundSnippetId,
  playgroundCode,
} from './playground-code.js';
// ── Prompt engineering: templates, few-shot, system prompts, chat templates, structured output
export {
  applyChatTemplate,
  CHAT_TEMPLATES,
  type ChatMessage,
  type ChatTemplateName,
  chatPrompt,
  type FewShotOptions,
  fewShotPrompt,
  formatPrompt,
  PromptTemplate,
  parseJsonAnswer,
  type Role,
  type Schema,
  type StructuredResult,
  structured,
  templateVariables,
  toLangChainMessages,
} from './prompts.js';
export {
  type ChatCallOptions,
  type ChatResponse,
  chat,
  createChatModel,
  MISSING_GROQ_KEY_MESSAGE,
  normaliseResponse,
  type TokenUsage,
  type ToolCallResult,
  type ToolInput,
} from './providers.js';
// ── Retries, timeouts and redaction as a `fetch`, shared by every provider SDK
export { isRetryableStatus, type RetryOptions, retryingFetch } from './retry.js';
// ── Tokenizer playground: Firth's tokenizers side by side with GPT-4o's
export {
  compareTokenizers,
  GPT4O_TOKENIZER,
  PLAYGROUND_TOKENIZERS,
  type PlaygroundTokenizerName,
  type TokenizerView,
  tokenizeWith,
  visibleToken,
} from './tokenizer-playground.js';
