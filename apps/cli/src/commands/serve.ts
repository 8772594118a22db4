/** `firth serve`: the local model server, exactly as `firth-server` starts it (@firth/server). */
import { CliError, type CommandSpec, UsageError } from '../args.js';

type ServerModule = typeof import('@firth/server');

/** @firth/server, an optional peer: a clear error when it is not installed. */
async function serverModule(): Promise<ServerModule> {
  try {
    return await import('@firth/server');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND')
      throw new CliError('firth serve needs the package @firth/server: npm install @firth/server');
    throw e;
  }
}

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: "Serve Firth's local models over HTTP: OpenAI/Groq-compatible (/v1) and Ollama-compatible (/api).",
  description:
    'Chat: tinystories-260k; embeddings: bert-tiny. Listens on 127.0.0.1 unless --allow-remote; prints\n' +
    'its URL on stdout; Ctrl-C stops it. Environment: FIRTH_SERVER_PORT, FIRTH_SERVER_KEY (a key in\n' +
    'the environment does not show in `ps`, --key does).',
  json: false,
  options: {
    port: { type: 'string', placeholder: 'n', default: 8787, description: 'port (0: any free one)' },
    host: {
      type: 'string',
      placeholder: 'address',
      default: '127.0.0.1',
      description: 'address to listen on',
    },
    key: { type: 'string', description: 'require this bearer key' },
    'allow-remote': { type: 'boolean', description: 'allow a non-loopback --host (set a key)' },
    'allow-host': {
      type: 'string',
      multiple: true,
      placeholder: 'name',
      description: 'accept this Host header too (repeatable)',
    },
    gguf: {
      type: 'string',
      placeholder: 'file',
      description: 'also serve this GGUF model with llama.cpp (needs node-llama-cpp; env FIRTH_GGUF_MODEL)',
    },
    threads: {
      type: 'string',
      placeholder: 'n',
      description: "the GGUF model's CPU threads (env FIRTH_GGUF_THREADS; default: every core)",
    },
    quiet: { type: 'boolean', description: 'no request log' },
  },
  examples: [
    'firth serve --port 8787',
    'curl http://127.0.0.1:8787/v1/models',
    'firth serve --gguf ~/models/qwen2.5-0.5b-instruct-q8_0.gguf',
  ],
  async run(_parsed, raw) {
    const { parseCli, serve } = await serverModule();
    let options: ReturnType<ServerModule['parseCli']>;
    try {
      options = parseCli(raw);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    await serve(options);
    return undefined; // keeps running until Ctrl-C
  },
};
