/**
 * @firth/agents — agents over Firth's tools (lesson "RAG and agents").
 *
 *   const agent = new FirthRouterAgent();          // offline, no LLM
 *   (await agent.invoke('what is the similarity between king and queen?')).explanation
 *   // 'The cosine similarity of "king" and "queen" in GloVe is 0.7508.'
 */

// Conversations: an agent that reads and saves a BaseChatMessageHistory.
export {
  type ConversationInput,
  type ConversationOutput,
  type MessagesAgent,
  withChatHistory,
} from './conversation.js';
// The course notes as tools: answer with sources; read one note, confined to the notes folder.
export {
  type CourseNotesResult,
  type CourseToolsOptions,
  courseNotesSchema,
  courseNotesTool,
  createCourseNotesTool,
  createReadNoteTool,
  readNoteSchema,
  readNoteTool,
} from './course-tools.js';
// A LangChain v1 agent (createAgent) over any tool-calling chat model.
export { createFirthAgent, FIRTH_AGENT_SYSTEM_PROMPT, type FirthAgentOptions } from './create-agent.js';
// How the router reads arguments from a request: the zod schema walk.
export {
  extractArguments,
  mentionedValue,
  type RequestParts,
  requestParts,
  unwrap,
} from './extract-arguments.js';
// Tools over @firth/llm: prompt templates and the tokenizer playground.
export {
  buildPrompt,
  type PromptTemplateToolInput,
  playground,
  promptTemplateSchema,
  promptTemplateTool,
  tokenizerPlaygroundSchema,
  tokenizerPlaygroundTool,
} from './llm-tools.js';
// The offline router agent: embeddings pick the tool, the schema checks the arguments.
export {
  cosine,
  DEFAULT_ROUTER,
  FirthRouterAgent,
  type FirthRouterAgentOptions,
  type RouterCandidate,
  type RouterResult,
  type ToolRoute,
} from './router-agent.js';
export { DEFAULT_ROUTES, type RouteHints } from './routes.js';
// Every tool in one list.
export { type AgentToolsOptions, agentTools } from './tools.js';
