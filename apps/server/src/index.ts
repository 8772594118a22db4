/**
 * @firth/server — Firth's local models over HTTP: OpenAI/Groq-compatible and Ollama-compatible.
 *
 *   const server = await createFirthServer({ port: 8787 });   // http://127.0.0.1:8787
 *   // OpenAI/Groq: POST /v1/chat/completions, GET /v1/models, POST /v1/embeddings (also /openai/v1/…)
 *   // Ollama:      POST /api/chat, /api/generate, /api/embed; GET /api/tags
 */

// ── The HTTP pieces other Firth servers reuse (the playground): Host/Origin checks, bounded JSON
//    bodies, JSON answers (access.ts, http.ts)
export { checkHost, checkOrigin, type HostRules, hostRules } from './access.js';
// ── How a chat becomes a prompt, and the tool-call policy (chat-template.ts, tool-policy.ts)
export { type ChatMessage, type OutputFormat, promptFor } from './chat-template.js';
export { HttpError, readJsonBody, sendJson } from './http.js';
// ── The models it serves and how to add one (registry.ts)
export {
  bertTiny,
  type ChatTokenizer,
  defaultRegistry,
  ggufChatModel,
  type LocalChatModel,
  type LocalEmbeddingModel,
  type ModelRegistry,
  tinyStories260k,
  withGguf,
} from './registry.js';
// ── The command line's options and start (serve.ts): `firth-server` and `firth serve`
export { type CliOptions, ggufThreads, parseCli, SERVER_USAGE, serve } from './serve.js';
// ── The server and its options (server.ts)
export { createFirthServer, type FirthServer, type FirthServerOptions, isLoopback } from './server.js';
export { chooseTool, numbersIn, type ToolSpec, valueForSchema } from './tool-policy.js';
