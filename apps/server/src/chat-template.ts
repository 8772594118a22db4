/**
 * How a chat becomes a prompt for a story model, and how its text becomes the answer.
 *
 * TinyStories 260K was trained on children's stories only: it has no chat template and no notion
 * of roles, and its context is 512 tokens. Printing a transcript ("System: … User: …") into the
 * prompt would only make it write a stranger story, so the template is the one FirthChatModel uses:
 *
 *   prompt = the text of the LAST user message; the answer continues it.
 *
 * System/developer messages, earlier turns, assistant turns and tool results are not shown to the
 * model (they are still validated). No user message, or an empty one, starts a story from scratch
 * (the prompt is the BOS token alone). Content given as parts keeps its text parts, joined by "\n".
 *
 * Earlier turns ARE read for one thing: a follow-up. Before the tool policy picks a tool and fills
 * its arguments, the last user message is made standalone from the earlier user and assistant turns
 * (`toolQuestion`: @firth/numeric's condenseOffline, the rewrite @firth/rag's condenseQuestion uses
 * offline), so after "What is BERT?" an agent's "How is it pretrained?" calls its tool with "How is
 * BERT pretrained?". The story model's prompt stays the last user message as written.
 *
 * JSON output (`response_format: { type: 'json_object' }`, Ollama's `format: 'json'`): a story
 * model cannot be constrained to a grammar here, so the generated text is wrapped, deterministically,
 * as `{"text": "<generated text>"}` — always valid JSON, also when streamed piece by piece (each
 * piece is JSON-string-escaped on its own, which is exact because escaping works per character).
 * With a JSON schema (`json_schema`, Ollama's `format: {…}`) the object is built from the schema
 * (tool-policy.ts' `valueForSchema`) with the generated text in its string fields.
 */
import { type ChatTurn, condenseOffline } from '@firth/numeric';
import { type JsonSchema, type ValueBudget, valueForSchema } from './tool-policy.js';

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A chat message as both APIs reduce to it. */
export interface ChatMessage {
  role: Role;
  content: string;
}

/** What the answer must look like. */
export type OutputFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; schema: JsonSchema };

/** The text the model continues: the last user message's ('' = start from BOS). */
export function promptFor(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') return messages[i]!.content;
  return '';
}

/** The last user message's text ('' when there is none). */
export const lastUserText = promptFor;

/** Turns read before a follow-up (as @firth/rag's condense step reads 10 messages). */
const FOLLOW_UP_TURNS = 10;
/** Characters of a turn read for a follow-up: a bound on the rewrite's work (a follow-up is short). */
const FOLLOW_UP_CHARS = 1000;

/**
 * What the tool policy reads: the last user message made standalone from the earlier user and
 * assistant turns (the last 10 with text; system, developer and tool messages skipped, each turn
 * read up to its first 1,000 characters). A self-contained question, a first question, or a last
 * message longer than 1,000 characters is the last user message unchanged; no user message → ''.
 *
 *   toolQuestion([user 'What is BERT?', assistant '…', user 'How is it pretrained?'])
 *   // 'How is BERT pretrained?'
 */
export function toolQuestion(messages: readonly ChatMessage[]): string {
  let last = -1;
  for (let i = messages.length - 1; i >= 0 && last < 0; i--) if (messages[i]!.role === 'user') last = i;
  if (last < 0) return '';
  const question = messages[last]!.content;
  if (question.trim() === '' || question.length > FOLLOW_UP_CHARS) return question;
  const turns: ChatTurn[] = [];
  for (const m of messages.slice(0, last)) {
    const content = m.content.trim();
    if ((m.role === 'user' || m.role === 'assistant') && content !== '')
      turns.push({ role: m.role, content: content.slice(0, FOLLOW_UP_CHARS) });
  }
  if (turns.length === 0) return question;
  return condenseOffline(turns.slice(-FOLLOW_UP_TURNS), question.trim());
}

/** The contents of the tool results after the last user message, in order ([] when there are none). */
export function toolResultsSinceLastUser(messages: readonly ChatMessage[]): string[] {
  const results: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]!.role !== 'user'; i--)
    if (messages[i]!.role === 'tool') results.unshift(messages[i]!.content);
  return results;
}

/** True when tool results came after the last user message: the model should now answer in text. */
export function hasToolResultsSinceLastUser(messages: readonly ChatMessage[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'user') return false;
    if (messages[i]!.role === 'tool') return true;
  }
  return false;
}

/** A piece of generated text as part of a JSON string literal (no quotes). */
export const jsonStringPiece = (text: string) => JSON.stringify(text).slice(1, -1);

/** The opening and closing of the json_object wrapper: `{"text":"` + pieces + `"}`. */
export const JSON_OBJECT_OPEN = '{"text":"';
export const JSON_OBJECT_CLOSE = '"}';

/** The whole answer for a JSON schema: the schema's value with the generated text in string fields. */
export function jsonForSchema(schema: JsonSchema, generated: string, budget?: ValueBudget): string {
  return JSON.stringify(valueForSchema(schema, generated, budget));
}
