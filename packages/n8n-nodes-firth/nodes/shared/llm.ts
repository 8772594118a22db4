/**
 * The LLM playground as n8n parameters (course: "groq Playground", "Access Cloud Based LLMs
 * (groq.com)", "Local LLM i.e. Ollama"), shared by the Firth Chat Model sub-node and the Generate
 * node: which provider (Firth's in-process model, Groq, Ollama, any OpenAI-compatible server such as
 * the Firth server), which model, and the playground's parameters — read into one `ChatConfig` for
 * @firth/llm, which validates them (temperature 0–2, at most 4 stop sequences, …).
 *
 * Keys come only from n8n credentials (never GROQ_API_KEY from the environment, never into an
 * output or an error: `describeError` redacts them). Groq without a key fails with a message naming
 * the key, or — with "Use the Firth Local Server Without a Key" on — runs the same Groq client
 * (LangChain's ChatGroq) against the Firth local server (apps/server, model tinystories-260k) and
 * says so in the output. The local server's URL: the Firth Local Server API credential, else
 * FIRTH_SERVER_URL, else http://127.0.0.1:8787; its key: the credential's, else FIRTH_SERVER_KEY
 * (the variable `firth-server` and `firth-n8n start` read), else none.
 */

import {
  type ChatConfig,
  type createChatModel,
  describeError,
  firthServerFromEnv,
  LlmError,
  NODE_LLAMA_CPP_VERSION,
  type Provider,
} from '@firth/llm';
import { clipMessage } from '@firth/numeric';
import {
  type ICredentialDataDecryptedObject,
  type IExecuteFunctions,
  type INode,
  type INodeCredentialDescription,
  type INodeProperties,
  NodeConnectionTypes,
  NodeOperationError,
  UserError,
} from 'n8n-workflow';
import { recordRun, type Trace } from './sub-node-run';

export const GROQ_CREDENTIAL = 'firthGroqApi';
export const LOCAL_SERVER_CREDENTIAL = 'firthLocalServerApi';
/** Where `firth-server` (apps/server) listens by default. */
export const DEFAULT_LOCAL_SERVER_URL = 'http://127.0.0.1:8787';
/** Groq's API (ChatGroq appends /openai/v1/…). */
export const DEFAULT_GROQ_BASE_URL = 'https://api.groq.com';
/** The model the Firth local server serves for chat. */
export const LOCAL_SERVER_MODEL = 'tinystories-260k';
/** `servedBy` in an output answered by the Firth local server. */
export const SERVED_BY_LOCAL_SERVER = 'firth-local-server';
/** The key sent to a keyless local server: ChatGroq insists on one; the server ignores it. */
const PLACEHOLDER_KEY = 'firth-local';

export const MISSING_GROQ_CREDENTIAL =
  'Groq needs an API key (GROQ_API_KEY): add a "Firth Groq API" credential with a key from https://console.groq.com/keys, or turn on "Use the Firth Local Server Without a Key"';

export const providerProperties: INodeProperties[] = [
  {
    displayName: 'Provider',
    name: 'provider',
    type: 'options',
    options: [
      {
        name: 'Local (Firth TinyStories, In-Process)',
        value: 'local',
        description: "Karpathy's llama2.c TinyStories 260K, shipped with Firth: offline, no key",
      },
      {
        name: 'Groq',
        value: 'groq',
        description: 'Hosted open models at api.groq.com (needs a Firth Groq API credential)',
      },
      {
        name: 'Ollama',
        value: 'ollama',
        description: 'A local Ollama server (ollama serve)',
      },
      {
        name: 'OpenAI-Compatible / Firth Server',
        value: 'openai-compatible',
        description:
          'Any /v1/chat/completions server: firth-server, llama.cpp, vLLM… (Firth Local Server credential, default http://127.0.0.1:8787)',
      },
      {
        name: 'GGUF File (llama.cpp)',
        value: 'gguf',
        description: `Your own model file, run offline in n8n's process by llama.cpp (needs npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION} where n8n loads community nodes)`,
      },
    ],
    default: 'local',
  },
  {
    displayName: 'Base URL',
    name: 'groqBaseUrl',
    type: 'string',
    default: DEFAULT_GROQ_BASE_URL,
    displayOptions: { show: { provider: ['groq'] } },
    description:
      "Groq's API, or any server with Groq's routes (/openai/v1/…), such as the Firth local server's root URL",
  },
  {
    displayName: 'Use the Firth Local Server Without a Key',
    name: 'useLocalServerWithoutKey',
    type: 'boolean',
    default: false,
    displayOptions: { show: { provider: ['groq'] } },
    description:
      'Whether, with no Groq credential, the Groq client asks the Firth local server (model tinystories-260k; Firth Local Server API credential, else FIRTH_SERVER_URL, else http://127.0.0.1:8787) instead of failing; the output says so',
  },
  {
    displayName: 'Model',
    name: 'model',
    type: 'string',
    default: '',
    placeholder: 'provider default',
    description:
      "Empty: the provider's default (local: tinystories-260k, Groq: meta-llama/llama-4-scout-17b-16e-instruct, Ollama: llama3.2, OpenAI-compatible: tinystories-260k, GGUF: the file's name)",
  },
  {
    displayName: 'GGUF Model File',
    name: 'ggufPath',
    type: 'string',
    default: '',
    required: true,
    placeholder: '/models/qwen2.5-0.5b-instruct-q8_0.gguf',
    displayOptions: { show: { provider: ['gguf'] } },
    description:
      "Path of a .gguf model file on the machine n8n runs on; its chat template comes from the file (a file without one gets a plain 'User / Assistant' transcript). Empty: FIRTH_GGUF_MODEL.",
  },
  {
    displayName: 'Ollama URL',
    name: 'ollamaBaseUrl',
    type: 'string',
    default: 'http://127.0.0.1:11434',
    displayOptions: { show: { provider: ['ollama'] } },
  },
];

/** The playground's parameters; `system` only where the node has no System field of its own. */
export function playgroundOptions(withSystem: boolean): INodeProperties {
  const options: INodeProperties[] = [
    {
      displayName: 'JSON Mode',
      name: 'jsonMode',
      type: 'boolean',
      default: false,
      description: 'Whether the answer must be one JSON object (not on the local model)',
    },
    {
      displayName: 'Max Retries',
      name: 'maxRetries',
      type: 'number',
      typeOptions: { minValue: 0, maxValue: 10 },
      default: 2,
      description: 'Retries after a 429, a 5xx, a timeout or a refused connection (never after other 4xx)',
    },
    {
      displayName: 'Max Tokens',
      name: 'maxTokens',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 256,
      description: 'The most tokens the answer may have (max completion tokens)',
    },
    {
      displayName: 'Seed',
      name: 'seed',
      type: 'number',
      default: 42,
      description: 'Integer for (best-effort) reproducible sampling',
    },
    {
      displayName: 'Stop Sequences',
      name: 'stop',
      type: 'string',
      typeOptions: { multipleValues: true },
      default: [],
      description: 'Up to 4 texts that end the answer',
    },
    ...(withSystem
      ? [
          {
            displayName: 'System Message',
            name: 'system',
            type: 'string' as const,
            typeOptions: { rows: 2 },
            default: '',
            description: "The playground's SYSTEM box: used when the conversation has no system message",
          },
        ]
      : []),
    {
      displayName: 'Temperature',
      name: 'temperature',
      type: 'number',
      typeOptions: { minValue: 0, maxValue: 2 },
      default: 0.8,
      description: '0 (almost) always picks the likeliest token; up to 2',
    },
    {
      displayName: 'Timeout (Ms)',
      name: 'timeoutMs',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 60000,
      description: 'How long to wait for the response to start, per attempt',
    },
    {
      displayName: 'Top P',
      name: 'topP',
      type: 'number',
      typeOptions: { minValue: 0, maxValue: 1 },
      default: 1,
      description: 'Sample from the smallest set of tokens whose probability reaches P',
    },
  ];
  return {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options,
  };
}

export const llmCredentials: INodeCredentialDescription[] = [
  { name: GROQ_CREDENTIAL, required: false, displayOptions: { show: { provider: ['groq'] } } },
  {
    name: LOCAL_SERVER_CREDENTIAL,
    required: false,
    displayOptions: { show: { provider: ['openai-compatible', 'groq'] } },
  },
];

type Context = Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode' | 'getCredentials'>;

/** A provider's config for item i, where the keys came from, and whether the local server answers. */
export interface ResolvedChat {
  config: ChatConfig;
  /** The provider the node is set to. */
  requestedProvider: Provider;
  /** Set when the Firth local server answers: its root URL (named when it cannot be reached). */
  localServerUrl?: string;
  /** Set when Groq had no key and the Firth local server answers instead: says so. */
  fallback?: string;
  /** Keys to redact from anything shown. */
  secrets: string[];
}

async function credential(
  ctx: Context,
  name: string,
  i: number,
): Promise<ICredentialDataDecryptedObject | undefined> {
  // n8n's getCredentials throws when the node has none of this type: ask only when one is set
  if (!ctx.getNode().credentials?.[name]) return undefined;
  return (await ctx.getCredentials(name, i)) as ICredentialDataDecryptedObject;
}

/** "http://127.0.0.1:8787" → ".../v1": an OpenAI client appends /chat/completions to its base URL. */
export function openAiBaseUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  try {
    return new URL(trimmed).pathname.replace(/\/+$/, '') === '' ? `${trimmed}/v1` : trimmed;
  } catch {
    return trimmed; // @firth/llm names the bad URL
  }
}

/**
 * The Firth local server for item i: the Firth Local Server API credential's URL and key, else
 * FIRTH_SERVER_URL and FIRTH_SERVER_KEY, else http://127.0.0.1:8787 and no key.
 */
async function localServer(
  ctx: Context,
  i: number,
): Promise<{ url: string; apiKey: string; fromCredential: boolean }> {
  const server = await credential(ctx, LOCAL_SERVER_CREDENTIAL, i);
  if (server)
    return {
      url: String(server.baseUrl || DEFAULT_LOCAL_SERVER_URL).trim(),
      apiKey: String(server.apiKey ?? '').trim(),
      fromCredential: true,
    };
  const fromEnv = firthServerFromEnv();
  return { url: fromEnv.url, apiKey: fromEnv.apiKey ?? '', fromCredential: false };
}

/** "http://127.0.0.1:8787/v1/" → "http://127.0.0.1:8787": ChatGroq appends /openai/v1 to a root URL. */
function rootUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/(openai\/)?v1$/, '');
}

/** Item i's provider and playground parameters, keys from the credentials. */
export async function readChatConfig(ctx: Context, i: number, system?: string): Promise<ResolvedChat> {
  const requestedProvider = ctx.getNodeParameter('provider', i) as Provider;
  const model = String(ctx.getNodeParameter('model', i, '') ?? '').trim();
  const options = ctx.getNodeParameter('options', i, {}) as Partial<ChatConfig> & {
    stop?: string[] | string;
  };
  const stop = (typeof options.stop === 'string' ? [options.stop] : (options.stop ?? [])).filter(
    (s) => s !== '',
  );
  const config: ChatConfig = {
    provider: requestedProvider,
    ...(model ? { model } : {}),
    ...Object.fromEntries(
      (['temperature', 'maxTokens', 'topP', 'seed', 'jsonMode', 'timeoutMs', 'maxRetries', 'system'] as const)
        .filter((k) => options[k] !== undefined && options[k] !== '')
        .map((k) => [k, options[k]]),
    ),
    ...(stop.length ? { stop } : {}),
    ...(system ? { system } : {}),
  };
  const secrets: string[] = [];

  if (requestedProvider === 'groq') {
    const apiKey = String((await credential(ctx, GROQ_CREDENTIAL, i))?.apiKey ?? '').trim();
    if (apiKey) {
      secrets.push(apiKey);
      const baseUrl = String(ctx.getNodeParameter('groqBaseUrl', i, '') ?? '').trim();
      return { config: { ...config, apiKey, ...(baseUrl ? { baseUrl } : {}) }, requestedProvider, secrets };
    }
    if (!ctx.getNodeParameter('useLocalServerWithoutKey', i, false))
      throw new UserError(MISSING_GROQ_CREDENTIAL);
    // the same Groq client (ChatGroq) pointed at the Firth local server's Groq routes (/openai/v1)
    const server = await localServer(ctx, i);
    if (server.apiKey) secrets.push(server.apiKey);
    const url = rootUrl(server.url);
    return {
      config: {
        ...config,
        apiKey: server.apiKey || PLACEHOLDER_KEY,
        baseUrl: url,
        model: LOCAL_SERVER_MODEL,
      },
      requestedProvider,
      localServerUrl: url,
      fallback: `No Groq credential: the Groq client asked the Firth local server at ${url} (model ${LOCAL_SERVER_MODEL}) instead`,
      secrets,
    };
  }
  if (requestedProvider === 'gguf') {
    const modelPath = String(ctx.getNodeParameter('ggufPath', i, '') ?? '').trim();
    return { config: { ...config, ...(modelPath ? { modelPath } : {}) }, requestedProvider, secrets };
  }
  if (requestedProvider === 'ollama') {
    const baseUrl = String(ctx.getNodeParameter('ollamaBaseUrl', i, '') ?? '').trim();
    return { config: { ...config, ...(baseUrl ? { baseUrl } : {}) }, requestedProvider, secrets };
  }
  if (requestedProvider === 'openai-compatible') {
    const server = await localServer(ctx, i);
    if (server.apiKey) secrets.push(server.apiKey);
    return {
      config: {
        ...config,
        baseUrl: openAiBaseUrl(server.url),
        model: model || LOCAL_SERVER_MODEL,
        ...(server.apiKey ? { apiKey: server.apiKey } : {}),
      },
      requestedProvider,
      // without a credential it is the Firth local server by definition
      ...(server.fromCredential ? {} : { localServerUrl: rootUrl(server.url) }),
      secrets,
    };
  }
  return { config, requestedProvider, secrets };
}

/**
 * Any error as a NodeOperationError on item i, its message redacted of the keys in use. n8n swaps a
 * message that mentions ECONNREFUSED, ETIMEDOUT… for a generic one ("The service refused the
 * connection - perhaps it is offline"); @firth/llm's says which server and what to do, so it stays.
 */
export function llmError(
  node: INode,
  error: unknown,
  i: number,
  secrets: readonly string[],
  localServerUrl?: string,
): NodeOperationError {
  if (error instanceof NodeOperationError && error.context.itemIndex === i) return error;
  let message = clipMessage(describeError(error, secrets));
  if (localServerUrl && error instanceof LlmError && error.kind === 'connection')
    message = `The Firth local server at ${localServerUrl} is not reachable: bash scripts/start.sh starts it (or point FIRTH_SERVER_URL or a Firth Local Server API credential at one). ${message}`;
  // n8n loads community nodes from its nodes folder: node-llama-cpp must be installed beside them
  if (
    error instanceof LlmError &&
    error.provider === 'gguf' &&
    /needs the optional package node-llama-cpp/.test(message)
  )
    message = `${message} — in n8n's community-nodes folder (cd ~/.n8n/nodes && npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}), then restart n8n`;
  const wrapped = new NodeOperationError(node, message, { itemIndex: i });
  wrapped.message = message;
  return wrapped;
}

type ChatModel = ReturnType<typeof createChatModel>;
type Generate = ChatModel['_generate'];

/**
 * Records each call of the model as a run of the sub-node, as n8n's own model nodes do (the
 * messages in, the answer or the error out), so that it shows in the editor and in the run data.
 */
export function traceModelCalls(
  model: ChatModel,
  trace: Trace,
  fail: (error: unknown) => NodeOperationError,
): ChatModel {
  const generate = model._generate.bind(model) as Generate;
  const traced: Generate = (messages, options, runManager) =>
    recordRun(
      trace,
      NodeConnectionTypes.AiLanguageModel,
      { messages: messages.map((m) => ({ role: m.getType(), content: m.text })) },
      () => generate(messages, options, runManager),
      (result) => ({
        response: { generations: result.generations.map((g) => ({ text: g.text })) },
        ...(result.llmOutput ? { llmOutput: JSON.parse(JSON.stringify(result.llmOutput)) } : {}),
      }),
      fail,
    );
  (model as { _generate: Generate })._generate = traced;
  return model;
}
