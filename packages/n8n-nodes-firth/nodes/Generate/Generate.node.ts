/**
 * Generate node: one chat turn per item (course: "groq Playground", "Access Cloud Based LLMs
 * (groq.com)", "Local LLM i.e. Ollama") — a prompt, or a conversation of { role, content }
 * messages, answered by Firth's in-process model, Groq, Ollama or any OpenAI-compatible server,
 * with the playground's parameters. Outputs the text, the token usage and why the answer ended.
 *
 *   prompt 'What is the capital of France?' (Groq)
 *   // { text: 'The capital of France is Paris.', usage: { promptTokens: 17, completionTokens: 8,
 *   //   totalTokens: 25 }, finishReason: 'stop', provider: 'groq', model: '…' }
 *
 * Groq without a credential, with "Use the Firth Local Server Without a Key" on: the Groq client asks
 * the Firth local server (model tinystories-260k) and the output says so — `requestedProvider: 'groq'`,
 * `servedBy: 'firth-local-server'`, `note`. An unreachable server fails the item naming its URL.
 *
 * Thin adapter: @firth/llm's chat does the work; errors (401, 429, refused connections, a bad
 * parameter) fail the item with @firth/llm's clear, redacted message.
 */
import { type ChatMessage, chat } from '@firth/llm';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import {
  llmCredentials,
  llmError,
  playgroundOptions,
  providerProperties,
  readChatConfig,
  SERVED_BY_LOCAL_SERVER,
} from '../shared/llm';
import { parseJsonText } from '../shared/parameters';
import { mapItems } from '../shared/per-item';

const ROLES = ['system', 'user', 'assistant'];

/** The Messages parameter: a list of { role, content } (or its JSON text). */
function readMessages(value: unknown): ChatMessage[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    list = parseJsonText(value);
    if (list instanceof Error)
      throw new UserError('Messages is not valid JSON: expected [{ "role": "user", "content": "…" }, …]');
  }
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every(
      (m) =>
        m !== null &&
        typeof m === 'object' &&
        ROLES.includes((m as IDataObject).role as string) &&
        typeof (m as IDataObject).content === 'string',
    )
  )
    throw new UserError(
      'Messages must be a non-empty list of { role: "system" | "user" | "assistant", content: text }',
    );
  return list as ChatMessage[];
}

/** The Tools option: OpenAI function definitions (or their JSON text). */
function readTools(value: unknown): IDataObject[] | undefined {
  if (value === undefined || value === '' || value === null) return undefined;
  let tools: unknown = value;
  if (typeof value === 'string') {
    tools = parseJsonText(value);
    if (tools instanceof Error)
      throw new UserError('Tools is not valid JSON: expected a list of OpenAI function definitions');
  }
  if (!Array.isArray(tools)) throw new UserError('Tools must be a list of OpenAI function definitions');
  return tools.length ? (tools as IDataObject[]) : undefined;
}

export class Generate implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Generate',
    name: 'generate',
    icon: { light: 'file:generate.svg', dark: 'file:generate.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["provider"] + ($parameter["model"] ? ": " + $parameter["model"] : "") }}',
    description:
      'Answer a prompt with an LLM: local Firth model, Groq, Ollama or OpenAI-compatible. Lesson: Introduction to Large Language Models',
    defaults: { name: 'Generate' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: llmCredentials,
    properties: [
      ...providerProperties,
      {
        displayName: 'Input',
        name: 'input',
        type: 'options',
        options: [
          { name: 'Prompt', value: 'prompt', description: 'One user message' },
          {
            name: 'Messages',
            value: 'messages',
            description: 'A conversation: a list of { role, content } (e.g. from a Prompt Template step)',
          },
        ],
        default: 'prompt',
      },
      {
        displayName: 'Prompt',
        name: 'prompt',
        type: 'string',
        typeOptions: { rows: 3 },
        default: 'What is the capital of France?',
        displayOptions: { show: { input: ['prompt'] } },
      },
      {
        displayName: 'Messages',
        name: 'messages',
        type: 'json',
        default: '={{ $json.messages }}',
        displayOptions: { show: { input: ['messages'] } },
        description: 'A list of { "role": "system" | "user" | "assistant", "content": "…" }',
      },
      {
        displayName: 'System Message',
        name: 'system',
        type: 'string',
        typeOptions: { rows: 2 },
        default: '',
        description: "The playground's SYSTEM box: used when the conversation has no system message",
      },
      playgroundOptions(false),
      {
        displayName: 'Tools',
        name: 'tools',
        type: 'collection',
        placeholder: 'Add Tools',
        default: {},
        options: [
          {
            displayName: 'Tool Definitions (JSON)',
            name: 'definitions',
            type: 'json',
            default: '[]',
            description: 'OpenAI function definitions the model may call (not on the local model)',
          },
          {
            displayName: 'Tool Choice',
            name: 'toolChoice',
            type: 'string',
            default: 'auto',
            description: 'Auto, none, required, or a tool name',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(
      this,
      async (i, item) => {
        const system = String(this.getNodeParameter('system', i, '') ?? '');
        const { config, requestedProvider, localServerUrl, fallback, secrets } = await readChatConfig(
          this,
          i,
          system,
        );
        const input =
          this.getNodeParameter('input', i) === 'messages'
            ? readMessages(this.getNodeParameter('messages', i))
            : String(this.getNodeParameter('prompt', i) ?? '');
        if (input === '') throw new UserError('Prompt is empty');
        const toolOptions = this.getNodeParameter('tools', i, {}) as {
          definitions?: unknown;
          toolChoice?: string;
        };
        const tools = readTools(toolOptions.definitions);
        let answer: Awaited<ReturnType<typeof chat>>;
        try {
          answer = await chat(config, input as Parameters<typeof chat>[1], {
            ...(tools ? { tools: tools as never, toolChoice: toolOptions.toolChoice || 'auto' } : {}),
          });
        } catch (error) {
          throw llmError(this.getNode(), error, i, secrets, localServerUrl);
        }
        return {
          json: {
            ...item.json,
            text: answer.text,
            usage: { ...answer.usage },
            finishReason: answer.finishReason,
            ...(answer.toolCalls.length ? { toolCalls: answer.toolCalls as unknown as IDataObject[] } : {}),
            provider: answer.provider,
            model: answer.model,
            ...(localServerUrl ? { requestedProvider, servedBy: SERVED_BY_LOCAL_SERVER } : {}),
            ...(fallback ? { note: fallback } : {}),
          },
          pairedItem: { item: i },
        };
      },
      // keep @firth/llm's wording (n8n's default would replace e.g. a refused connection's)
      (error, i) => llmError(this.getNode(), error, i, []),
    );
  }
}
