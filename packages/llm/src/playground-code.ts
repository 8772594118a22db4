/**
 * The playground's "view code" (course: "groq Playground" — "Use the <> icon to view the code"): one
 * chat call, with the parameters chosen in the playground, written out as a program for each way of
 * making it — the provider's SDK (groq-sdk for Groq as Groq's playground shows it, the openai
 * client for OpenAI-compatible servers and Ollama's /v1), the course's Python, LangChain.js and
 * Firth's own `chat`.
 *
 *   playgroundCode({ provider: 'groq', temperature: 1, maxTokens: 1024, topP: 1, streaming: true },
 *     'What is the capital of France?')[0].code
 *   // import Groq from 'groq-sdk';
 *   //
 *   // const groq = new Groq({
 *   //   apiKey: process.env.GROQ_API_KEY,
 *   // });
 *   //
 *   // const chatCompletion = await groq.chat.completions.create({
 *   //   messages: [
 *   //     { role: 'user', content: 'What is the capital of France?' },
 *   //   ],
 *   //   model: 'meta-llama/llama-4-scout-17b-16e-instruct',
 *   //   temperature: 1,
 *   //   max_completion_tokens: 1024,
 *   //   top_p: 1,
 *   //   stream: true,
 *   //   stop: null,
 *   // });
 *   // …
 *
 * A key never appears in the code: `config.apiKey` is not read; the programs read the key from the
 * environment variable `apiKeyEnv` names (GROQ_API_KEY for Groq, as the course's example does).
 * Providers that run in-process (the local TinyStories model, a GGUF file) have no HTTP API, so
 * they get the LangChain and Firth programs only.
 */

import { type ChatConfig, type Provider, validateChatConfig } from './config.js';
import { LlmError } from './errors.js';

export type PlaygroundSnippetId = 'sdk-typescript' | 'sdk-python' | 'langchain' | 'firth';

export interface PlaygroundSnippet {
  id: PlaygroundSnippetId;
  /** e.g. 'groq-sdk (TypeScript)' */
  title: string;
  language: 'typescript' | 'python';
  /** The packages the program imports (npm, or pip for Python). */
  packages: string[];
  code: string;
}

export interface PlaygroundCodeOptions {
  /**
   * The environment variable the programs read the API key from. @default 'GROQ_API_KEY' for groq;
   * none otherwise (the OpenAI client then gets the placeholder 'not-needed').
   */
  apiKeyEnv?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A string as a single-quoted TypeScript literal (JSON's escapes, which TypeScript reads too). */
function tsString(s: string): string {
  const body = JSON.stringify(s)
    .slice(1, -1)
    .replace(/\\.|'/g, (m) => (m === '\\"' ? '"' : m === "'" ? "\\'" : m));
  return `'${body}'`;
}

/** A value as TypeScript source: strings, numbers, booleans, null, arrays and plain objects. */
function ts(value: unknown): string {
  if (typeof value === 'string') return tsString(value);
  if (Array.isArray(value)) return `[${value.map(ts).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : tsString(k)}: ${ts(v)}`)
      .join(', ')} }`;
  return String(value);
}

/** A value as Python source (JSON's string escapes are Python's too). */
function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`)
      .join(', ')}}`;
  return String(value);
}

/** Source text inserted as is (an expression such as `process.env.GROQ_API_KEY`). */
interface Raw {
  raw: string;
}
const raw = (code: string): Raw => ({ raw: code });
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && 'raw' in v;

/** `name: value,` lines for the entries that are set, indented. */
function tsFields(fields: [string, unknown][], indent: string): string {
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${indent}${k}: ${isRaw(v) ? v.raw : ts(v)},`)
    .join('\n');
}

interface Call {
  provider: Provider;
  model: string;
  baseUrl: string | undefined;
  modelPath: string | undefined;
  threads: number | undefined;
  system: string | undefined;
  user: string;
  temperature: number | undefined;
  maxTokens: number | undefined;
  topP: number | undefined;
  seed: number | undefined;
  stop: string[] | undefined;
  stream: boolean;
  jsonMode: boolean;
  keyEnv: string | undefined;
}

function messages(c: Call): { role: string; content: string }[] {
  return [...(c.system ? [{ role: 'system', content: c.system }] : []), { role: 'user', content: c.user }];
}

/** The SDK a provider's HTTP API is called with, and where. */
function sdkOf(c: Call) {
  if (c.provider === 'groq')
    return {
      npm: 'groq-sdk',
      pip: 'groq',
      tsClass: 'Groq',
      pyImport: 'from groq import Groq',
      pyClass: 'Groq',
      variable: 'groq',
      // Groq's client adds /openai/v1 itself: only a non-default URL is worth writing
      baseUrl: c.baseUrl && c.baseUrl !== 'https://api.groq.com' ? c.baseUrl : undefined,
      maxTokensName: 'max_completion_tokens',
    };
  return {
    npm: 'openai',
    pip: 'openai',
    tsClass: 'OpenAI',
    pyImport: 'from openai import OpenAI',
    pyClass: 'OpenAI',
    variable: 'client',
    // Ollama answers the OpenAI API under /v1
    baseUrl: c.provider === 'ollama' ? `${c.baseUrl!.replace(/\/+$/, '')}/v1` : c.baseUrl,
    // what every OpenAI-compatible server reads (Ollama, llama.cpp, vLLM, Firth's server)
    maxTokensName: 'max_tokens',
  };
}

/** The request body's parameters, as the OpenAI/Groq API names them. */
function apiParams(c: Call, maxTokensName: string): [string, unknown][] {
  return [
    ['model', c.model],
    ['temperature', c.temperature],
    [maxTokensName, c.maxTokens],
    ['top_p', c.topP],
    ['stream', c.stream],
    ['stop', c.stop ?? null],
    ['seed', c.seed],
    ['response_format', c.jsonMode ? { type: 'json_object' } : undefined],
  ];
}

function sdkTypeScript(c: Call): PlaygroundSnippet {
  const sdk = sdkOf(c);
  const key = c.keyEnv
    ? c.provider === 'groq'
      ? `process.env.${c.keyEnv}`
      : `process.env.${c.keyEnv} ?? 'not-needed'`
    : // the OpenAI client insists on a key; local servers ignore it
      "'not-needed'";
  const client = tsFields(
    [
      ['baseURL', sdk.baseUrl],
      ['apiKey', raw(key)],
    ],
    '  ',
  );
  const msgs = messages(c)
    .map((m) => `    ${ts(m)},`)
    .join('\n');
  const output = c.stream
    ? `for await (const chunk of chatCompletion) {\n  process.stdout.write(chunk.choices[0]?.delta?.content || '');\n}`
    : 'console.log(chatCompletion.choices[0]?.message?.content);\nconsole.log(chatCompletion.usage);';
  const code = `import ${sdk.tsClass} from '${sdk.npm}';

const ${sdk.variable} = new ${sdk.tsClass}({
${client}
});

const chatCompletion = await ${sdk.variable}.chat.completions.create({
  messages: [
${msgs}
  ],
${tsFields(apiParams(c, sdk.maxTokensName), '  ')}
});

${output}
`;
  return {
    id: 'sdk-typescript',
    title: `${sdk.npm} (TypeScript)`,
    language: 'typescript',
    packages: [sdk.npm],
    code,
  };
}

function sdkPython(c: Call): PlaygroundSnippet {
  const sdk = sdkOf(c);
  const key = c.keyEnv
    ? c.provider === 'groq'
      ? `os.environ.get(${py(c.keyEnv)})`
      : `os.environ.get(${py(c.keyEnv)}, "not-needed")`
    : '"not-needed"';
  const clientArgs = [...(sdk.baseUrl ? [`base_url=${py(sdk.baseUrl)}`] : []), `api_key=${key}`].join(', ');
  const params = apiParams(c, sdk.maxTokensName)
    .filter(([k, v]) => v !== undefined && k !== 'model')
    .map(([k, v]) => `    ${k}=${py(v)},`)
    .join('\n');
  const msgs = messages(c)
    .map((m) => `        ${py(m)},`)
    .join('\n');
  const output = c.stream
    ? 'for chunk in completion:\n    print(chunk.choices[0].delta.content or "", end="")'
    : 'print(completion.choices[0].message.content)';
  const code = `import os
${sdk.pyImport}

client = ${sdk.pyClass}(${clientArgs})

completion = client.chat.completions.create(
    model=${py(c.model)},
    messages=[
${msgs}
    ],
${params}
)

${output}
`;
  return { id: 'sdk-python', title: `${sdk.pip} (Python)`, language: 'python', packages: [sdk.pip], code };
}

function langChain(c: Call): PlaygroundSnippet {
  const key = c.keyEnv ? raw(`process.env.${c.keyEnv}`) : undefined;
  let pkg: string;
  let cls: string;
  let fields: [string, unknown][];
  let callOptions: [string, unknown][];
  if (c.provider === 'groq' || c.provider === 'openai-compatible') {
    // both take OpenAI's parameter names, with seed and JSON mode as call options
    const groq = c.provider === 'groq';
    [pkg, cls] = groq ? ['@langchain/groq', 'ChatGroq'] : ['@langchain/openai', 'ChatOpenAI'];
    const connection: [string, unknown][] = groq
      ? [['apiKey', key]]
      : [
          ['apiKey', c.keyEnv ? raw(`process.env.${c.keyEnv} ?? 'not-needed'`) : 'not-needed'],
          ['configuration', raw(`{ baseURL: ${ts(c.baseUrl)} }`)],
        ];
    fields = [
      ...connection,
      ['model', c.model],
      ['temperature', c.temperature],
      ['maxTokens', c.maxTokens],
      ['topP', c.topP],
      ['stop', c.stop],
    ];
    callOptions = [
      ['seed', c.seed],
      ['response_format', c.jsonMode ? { type: 'json_object' } : undefined],
    ];
  } else if (c.provider === 'ollama') {
    [pkg, cls] = ['@langchain/ollama', 'ChatOllama'];
    fields = [
      ['baseUrl', c.baseUrl],
      ['model', c.model],
      ['temperature', c.temperature],
      ['numPredict', c.maxTokens],
      ['topP', c.topP],
      ['seed', c.seed],
      ['format', c.jsonMode ? 'json' : undefined],
    ];
    callOptions = [['stop', c.stop]];
  } else {
    // Firth's own models (TinyStories in this process, a GGUF file through llama.cpp) are
    // themselves LangChain chat models
    const local = c.provider === 'local';
    [pkg, cls] = ['@firth/llm', local ? 'FirthChatModel' : 'GgufChatModel'];
    const model: [string, unknown][] = local
      ? [['model', c.model]]
      : [
          ['modelPath', c.modelPath],
          ['threads', c.threads],
        ];
    fields = [
      ...model,
      ['temperature', c.temperature],
      ['maxTokens', c.maxTokens],
      ['topP', c.topP],
      ['seed', c.seed],
    ];
    callOptions = [['stop', c.stop]];
  }
  const msgs = messages(c)
    .map((m) => `  ${ts(m)},`)
    .join('\n');
  const opts = callOptions.filter(([, v]) => v !== undefined);
  const optionsArg = opts.length ? ', options' : '';
  const optionsDecl = opts.length ? `const options = {\n${tsFields(opts, '  ')}\n};\n` : '';
  const output = c.stream
    ? `for await (const chunk of await model.stream(messages${optionsArg})) {\n  process.stdout.write(chunk.text);\n}`
    : `const answer = await model.invoke(messages${optionsArg});\nconsole.log(answer.text);\nconsole.log(answer.usage_metadata);`;
  const code = `import { ${cls} } from '${pkg}';

const model = new ${cls}({
${tsFields(fields, '  ')}
});

const messages = [
${msgs}
];
${optionsDecl}
${output}
`;
  return { id: 'langchain', title: `LangChain.js (${cls})`, language: 'typescript', packages: [pkg], code };
}

function firth(c: Call): PlaygroundSnippet {
  const config: [string, unknown][] = [
    ['provider', c.provider],
    ['model', c.provider === 'gguf' ? undefined : c.model],
    ['baseUrl', c.provider === 'groq' && c.baseUrl === 'https://api.groq.com' ? undefined : c.baseUrl],
    ['apiKey', c.keyEnv ? raw(`process.env.${c.keyEnv}`) : undefined],
    ['modelPath', c.modelPath],
    ['threads', c.threads],
    ['system', c.system || undefined],
    ['temperature', c.temperature],
    ['maxTokens', c.maxTokens],
    ['topP', c.topP],
    ['seed', c.seed],
    ['stop', c.stop],
    ['streaming', c.stream],
    ['jsonMode', c.jsonMode || undefined],
  ];
  const onToken = c.stream ? `,\n  { onToken: (text) => process.stdout.write(text) },` : ',';
  const code = `import { chat } from '@firth/llm';

const answer = await chat(
  {
${tsFields(config, '    ')}
  },
  ${ts(c.user)}${onToken}
);
${c.stream ? '' : 'console.log(answer.text);\n'}console.log(answer.usage); // { promptTokens, completionTokens, totalTokens }
`;
  return { id: 'firth', title: 'Firth (@firth/llm)', language: 'typescript', packages: ['@firth/llm'], code };
}

/**
 * The programs that make the playground's call — `config` as `chat` takes it, `user` the user
 * message: the provider's SDK in TypeScript and Python (HTTP providers only), LangChain.js and
 * Firth's `chat`. Checks `config` first (`validateChatConfig`: an `LlmError` names a bad parameter).
 *
 *   playgroundCode({ provider: 'local', temperature: 0.5, seed: 7 }, 'Once upon a time')
 *     .map((s) => s.title) // ['LangChain.js (FirthChatModel)', 'Firth (@firth/llm)']
 */
export function playgroundCode(
  config: ChatConfig,
  user: string,
  options: PlaygroundCodeOptions = {},
): PlaygroundSnippet[] {
  const c = validateChatConfig(config);
  if (typeof user !== 'string')
    throw new LlmError('the user message must be a string', { kind: 'invalid-config' });
  const keyEnv = options.apiKeyEnv ?? (c.provider === 'groq' ? 'GROQ_API_KEY' : undefined);
  if (keyEnv !== undefined && !ENV_NAME.test(keyEnv))
    throw new LlmError(`apiKeyEnv must be an environment variable's name, got ${JSON.stringify(keyEnv)}`, {
      kind: 'invalid-config',
    });
  const call: Call = {
    provider: c.provider,
    model: c.model,
    baseUrl: c.baseUrl,
    modelPath: c.modelPath,
    threads: c.threads,
    system: c.system,
    user,
    temperature: c.temperature,
    maxTokens: c.maxTokens,
    topP: c.topP,
    seed: c.seed,
    stop: c.stop?.length ? c.stop : undefined,
    stream: c.streaming ?? false,
    jsonMode: c.jsonMode ?? false,
    keyEnv: c.provider === 'local' || c.provider === 'gguf' ? undefined : keyEnv,
  };
  const http = call.provider !== 'local' && call.provider !== 'gguf';
  return [...(http ? [sdkTypeScript(call), sdkPython(call)] : []), langChain(call), firth(call)];
}
