/**
 * The playground's "view code" programs are run, not just read: each TypeScript program is
 * transpiled by TypeScript (a syntax error fails the test) and executed against stand-ins for
 * groq-sdk, openai, the LangChain chat models and @firth/llm that record what they were called
 * with; each Python program runs in python3 against stand-in `groq` / `openai` modules. The test
 * then checks the recorded call carries every parameter of the playground's config — the Firth
 * program's config, checked again by `validateChatConfig`, is the very config the playground used.
 */
import { spawnSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type ChatConfig, validateChatConfig } from './config.js';
import { LlmError } from './errors.js';
import { type PlaygroundSnippet, playgroundCode } from './playground-code.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the text must survive being written into a program
const USER = 'What is the capital of France? It\'s "Paris" \\ ${not a template}\nsecond line é';
const SECRET = 'gsk_this-key-must-never-appear';

interface Recorded {
  client?: Record<string, unknown>;
  body?: Record<string, unknown>;
  fields?: Record<string, unknown>;
  cls?: string;
  messages?: unknown;
  callOptions?: unknown;
  method?: string;
  config?: Record<string, unknown>;
  input?: unknown;
  stdout: string;
  logged: unknown[];
}

/** Transpiles a TypeScript program (failing on a syntax error) and runs it with stand-in modules. */
async function runTypeScript(code: string, env: Record<string, string>): Promise<Recorded> {
  const out = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  expect(out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) ?? []).toEqual([]);
  const rec: Recorded = { stdout: '', logged: [] };
  const answer = { text: 'Paris', usage_metadata: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } };
  async function* chunks() {
    yield { text: 'Par', choices: [{ delta: { content: 'Par' } }] };
    yield { text: 'is', choices: [{ delta: { content: 'is' } }] };
  }
  class Client {
    chat = {
      completions: {
        create: async (body: Record<string, unknown>) => {
          rec.body = body;
          return body.stream ? chunks() : { choices: [{ message: { content: 'Paris' } }], usage: {} };
        },
      },
    };
    constructor(options: Record<string, unknown>) {
      rec.client = options;
    }
  }
  const chatModel = (cls: string) =>
    class {
      constructor(fields: Record<string, unknown>) {
        rec.cls = cls;
        rec.fields = fields;
      }
      async invoke(messages: unknown, options?: unknown) {
        Object.assign(rec, { messages, callOptions: options, method: 'invoke' });
        return answer;
      }
      async stream(messages: unknown, options?: unknown) {
        Object.assign(rec, { messages, callOptions: options, method: 'stream' });
        return chunks();
      }
    };
  const modules: Record<string, unknown> = {
    'groq-sdk': { __esModule: true, default: Client },
    openai: { __esModule: true, default: Client },
    '@langchain/groq': { ChatGroq: chatModel('ChatGroq') },
    '@langchain/openai': { ChatOpenAI: chatModel('ChatOpenAI') },
    '@langchain/ollama': { ChatOllama: chatModel('ChatOllama') },
    '@firth/llm': {
      FirthChatModel: chatModel('FirthChatModel'),
      GgufChatModel: chatModel('GgufChatModel'),
      chat: async (
        config: Record<string, unknown>,
        input: unknown,
        options?: { onToken?: (t: string) => void },
      ) => {
        Object.assign(rec, { config, input });
        options?.onToken?.('Par');
        options?.onToken?.('is');
        return { text: 'Paris', usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 } };
      },
    },
  };
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`the program imports ${name}, which it should not`);
    return modules[name];
  };
  const process = { env, stdout: { write: (s: string) => (rec.stdout += s) } };
  const console = { log: (v: unknown) => rec.logged.push(v) };
  const AsyncFunction = (async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('require', 'exports', 'process', 'console', out.outputText)(
    require,
    {},
    process,
    console,
  );
  return rec;
}

const python = spawnSync('python3', ['--version']).status === 0;

/** Runs a Python program with stand-in `groq` and `openai` modules; returns what the client got. */
function runPython(code: string, env: Record<string, string>) {
  const prelude = `
import json, os, sys, types
calls = {}
class Client:
    def __init__(self, **kw):
        calls["client"] = kw
        self.chat = types.SimpleNamespace(completions=types.SimpleNamespace(create=self._create))
    def _create(self, **kw):
        calls["body"] = kw
        delta = lambda t: types.SimpleNamespace(choices=[types.SimpleNamespace(delta=types.SimpleNamespace(content=t))])
        if kw.get("stream"):
            return iter([delta("Par"), delta("is")])
        return types.SimpleNamespace(choices=[types.SimpleNamespace(message=types.SimpleNamespace(content="Paris"))])
for name, cls in (("groq", "Groq"), ("openai", "OpenAI")):
    m = types.ModuleType(name); setattr(m, cls, Client); sys.modules[name] = m
program = sys.stdin.read()
import io, contextlib
out = io.StringIO()
with contextlib.redirect_stdout(out):
    exec(compile(program, "snippet.py", "exec"), {"__name__": "__main__"})
calls["stdout"] = out.getvalue()
print(json.dumps(calls))
`;
  const r = spawnSync('python3', ['-c', prelude], {
    input: code,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as {
    client: Record<string, unknown>;
    body: Record<string, unknown>;
    stdout: string;
  };
}

const byId = (snippets: PlaygroundSnippet[], id: string) => {
  const s = snippets.find((x) => x.id === id);
  if (!s) throw new Error(`no ${id} snippet`);
  return s;
};

/** What `chat` gets, in the form `validateChatConfig` returns it (defaults filled in). */
const checked = (c: Record<string, unknown>) => validateChatConfig(c as unknown as ChatConfig);

interface Case {
  name: string;
  config: ChatConfig;
  keyEnv?: string;
  sdk?: { package: string; maxTokensName: string; baseURL?: string };
  langchain: string;
}

const CASES: Case[] = [
  {
    name: 'Groq, streaming, every parameter',
    config: {
      provider: 'groq',
      model: 'llama-3.3-70b-versatile',
      apiKey: SECRET,
      system: "You are a geography teacher. Answer in one 'word'.",
      temperature: 0.35,
      maxTokens: 321,
      topP: 0.85,
      seed: 1234,
      stop: ['\n\n', 'END'],
      streaming: true,
      jsonMode: true,
    },
    sdk: { package: 'groq-sdk', maxTokensName: 'max_completion_tokens' },
    langchain: 'ChatGroq',
  },
  {
    name: "Groq as the course's example: no system message, no stop, one answer",
    config: { provider: 'groq', model: 'compound-beta', maxTokens: 2048, streaming: false },
    sdk: { package: 'groq-sdk', maxTokensName: 'max_completion_tokens' },
    langchain: 'ChatGroq',
  },
  {
    name: "Firth's model server as an OpenAI-compatible URL with a key",
    config: {
      provider: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8787/v1',
      model: 'tinystories-260k',
      apiKey: SECRET,
      temperature: 1.5,
      maxTokens: 64,
      topP: 0.5,
      seed: -7,
      stop: ['.'],
      streaming: false,
    },
    keyEnv: 'FIRTH_SERVER_KEY',
    sdk: { package: 'openai', maxTokensName: 'max_tokens', baseURL: 'http://127.0.0.1:8787/v1' },
    langchain: 'ChatOpenAI',
  },
  {
    name: 'Ollama (its OpenAI API under /v1), JSON mode',
    config: {
      provider: 'ollama',
      model: 'llama3.2',
      system: 'Reply in JSON.',
      temperature: 0,
      maxTokens: 100,
      topP: 1,
      seed: 3,
      stop: ['}'],
      streaming: true,
      jsonMode: true,
    },
    sdk: { package: 'openai', maxTokensName: 'max_tokens', baseURL: 'http://127.0.0.1:11434/v1' },
    langchain: 'ChatOllama',
  },
  {
    name: "Firth's local TinyStories model (in-process: no SDK)",
    config: {
      provider: 'local',
      temperature: 0.8,
      maxTokens: 40,
      topP: 0.9,
      seed: 42,
      stop: ['.'],
      streaming: true,
    },
    langchain: 'FirthChatModel',
  },
  {
    name: 'a GGUF file (in-process: no SDK)',
    config: {
      provider: 'gguf',
      modelPath: '/models/qwen.gguf',
      threads: 2,
      temperature: 0.2,
      maxTokens: 9,
      streaming: false,
    },
    langchain: 'GgufChatModel',
  },
];

describe('playgroundCode', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const snippets = playgroundCode(c.config, USER, c.keyEnv ? { apiKeyEnv: c.keyEnv } : {});
      const keyEnv = c.keyEnv ?? (c.config.provider === 'groq' ? 'GROQ_API_KEY' : undefined);
      const env = keyEnv ? { [keyEnv]: 'key-from-env' } : {};
      const v = validateChatConfig(c.config);
      const messages = [
        ...(v.system ? [{ role: 'system', content: v.system }] : []),
        { role: 'user', content: USER },
      ];

      it('never writes the API key; only the environment variable that holds it', () => {
        for (const s of snippets) {
          expect(s.code).not.toContain(SECRET);
          if (keyEnv && s.id !== 'langchain' && c.config.provider !== 'ollama')
            expect(s.code).toContain(keyEnv);
        }
      });

      it('Firth: chat gets the same config (the key read from the environment) and the user message', async () => {
        const rec = await runTypeScript(byId(snippets, 'firth').code, env);
        const { apiKey: _key, ...rest } = c.config;
        expect(checked(rec.config!)).toEqual(
          checked({ ...rest, ...(keyEnv ? { apiKey: 'key-from-env' } : {}) }),
        );
        expect(rec.input).toBe(USER);
        if (v.streaming) expect(rec.stdout).toBe('Paris');
        else expect(rec.logged[0]).toBe('Paris');
      });

      it(`LangChain.js: ${c.langchain} with each parameter`, async () => {
        const rec = await runTypeScript(byId(snippets, 'langchain').code, env);
        expect(rec.cls).toBe(c.langchain);
        expect(rec.messages).toEqual(messages);
        expect(rec.method).toBe(v.streaming ? 'stream' : 'invoke');
        const f = rec.fields!;
        const o = (rec.callOptions ?? {}) as Record<string, unknown>;
        // each parameter, where the class takes it (constructor field or call option)
        const at = (field: string, option = field) => f[field] ?? o[option];
        expect(at('temperature')).toBe(v.temperature);
        expect(c.langchain === 'ChatOllama' ? f.numPredict : f.maxTokens).toBe(v.maxTokens);
        expect(at('topP')).toBe(v.topP);
        expect(at('seed')).toBe(v.seed);
        expect(at('stop')).toEqual(v.stop);
        if (c.langchain === 'ChatOllama') expect(f.format).toBe(v.jsonMode ? 'json' : undefined);
        else expect(o.response_format).toEqual(v.jsonMode ? { type: 'json_object' } : undefined);
        if (c.langchain === 'ChatGroq') expect(f.apiKey).toBe('key-from-env');
        if (c.langchain === 'ChatOpenAI') {
          expect(f.apiKey).toBe('key-from-env');
          expect(f.configuration).toEqual({ baseURL: v.baseUrl });
        }
        if (c.langchain === 'ChatOllama') expect(f.baseUrl).toBe(v.baseUrl);
        if (c.langchain === 'GgufChatModel')
          expect([f.modelPath, f.threads]).toEqual([v.modelPath, v.threads]);
        else expect(f.model).toBe(v.model);
        if (v.streaming) expect(rec.stdout).toBe('Paris');
        else expect(rec.logged[0]).toBe('Paris');
      });

      const sdk = c.sdk;
      if (!sdk) {
        it('has no SDK program (the model runs in-process)', () => {
          expect(snippets.map((s) => s.id)).toEqual(['langchain', 'firth']);
        });
        return;
      }
      const body = {
        messages,
        model: v.model,
        ...(v.temperature !== undefined ? { temperature: v.temperature } : {}),
        ...(v.maxTokens !== undefined ? { [sdk.maxTokensName]: v.maxTokens } : {}),
        ...(v.topP !== undefined ? { top_p: v.topP } : {}),
        stream: v.streaming,
        stop: v.stop ?? null,
        ...(v.seed !== undefined ? { seed: v.seed } : {}),
        ...(v.jsonMode ? { response_format: { type: 'json_object' } } : {}),
      };
      const apiKey = keyEnv ? 'key-from-env' : 'not-needed';

      it(`${sdk.package} (TypeScript): the request body carries every parameter`, async () => {
        const s = byId(snippets, 'sdk-typescript');
        expect(s.packages).toEqual([sdk.package]);
        const rec = await runTypeScript(s.code, env);
        expect(rec.client).toEqual({ ...(sdk.baseURL ? { baseURL: sdk.baseURL } : {}), apiKey });
        expect(rec.body).toEqual(body);
        if (v.streaming) expect(rec.stdout).toBe('Paris');
        else expect(rec.logged[0]).toBe('Paris');
      });

      it.skipIf(!python)('Python: the same call as the TypeScript program', () => {
        const rec = runPython(byId(snippets, 'sdk-python').code, env);
        expect(rec.client).toEqual({ ...(sdk.baseURL ? { base_url: sdk.baseURL } : {}), api_key: apiKey });
        expect(rec.body).toEqual(body);
        expect(rec.stdout).toBe(v.streaming ? 'Paris' : 'Paris\n');
      });
    });
  }

  it("the course's Python example's shape for Groq: os.environ, Groq(api_key=…), stop=None", () => {
    const code = byId(
      playgroundCode({ provider: 'groq', model: 'compound-beta', maxTokens: 2048 }, 'Hi'),
      'sdk-python',
    ).code;
    expect(code).toContain('from groq import Groq');
    expect(code).toContain('client = Groq(api_key=os.environ.get("GROQ_API_KEY"))');
    expect(code).toContain('stop=None,');
    expect(code).toContain('print(completion.choices[0].message.content)');
  });

  it('refuses a bad parameter (as chat would) and an environment variable name that is not one', () => {
    expect(() => playgroundCode({ provider: 'groq', temperature: 3 }, 'Hi')).toThrow(
      /temperature must be a number from 0 to 2/,
    );
    expect(() => playgroundCode({ provider: 'groq' }, 'Hi', { apiKeyEnv: 'KEY"); steal(' })).toThrow(
      LlmError,
    );
  });
});
