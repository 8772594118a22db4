/** `firth playground`: the course playground (@firth/playground) on 127.0.0.1, as `start` runs it beside n8n. */
import { CliError, type CommandSpec, UsageError } from '../args.js';
import { importOptionalPeer } from '../io.js';

export const playgroundCommand: CommandSpec = {
  name: 'playground',
  summary:
    'Serve the course playground: LLM, tokenizer, inside the transformer, embedding projector, neural network.',
  description:
    'A web page on 127.0.0.1 (default port 8790): the Groq-style LLM playground, the tokenizer\n' +
    'playground, next-token probabilities and attention maps, word vectors in 2-D/3-D, and the\n' +
    'perceptron and MLP trained live. Prints its URL; Ctrl-C stops it. Runs inside a clone of the\n' +
    'Firth repository (it needs @firth/playground). Environment: FIRTH_PLAYGROUND_PORT,\n' +
    'FIRTH_SERVER_URL and FIRTH_SERVER_KEY (a Firth model server for the LLM panel), GROQ_API_KEY.',
  json: false,
  options: {
    port: {
      type: 'integer',
      min: 0,
      placeholder: 'n',
      description: 'port (default: $FIRTH_PLAYGROUND_PORT, else 8790; 0: any free one)',
    },
    host: {
      type: 'string',
      placeholder: 'address',
      default: '127.0.0.1',
      description: 'address to listen on',
    },
    'allow-remote': { type: 'boolean', description: 'allow a non-loopback --host' },
    'server-url': {
      type: 'string',
      placeholder: 'url',
      description: 'a Firth model server whose models the LLM panel offers (default: $FIRTH_SERVER_URL)',
    },
    quiet: { type: 'boolean', description: 'no request log' },
  },
  examples: ['firth playground', 'firth playground --port 0 --server-url http://127.0.0.1:8787'],
  async run({ options }) {
    const playground = await importOptionalPeer(
      () => import('@firth/playground'),
      '@firth/playground',
      'firth playground runs inside a clone of the Firth repository (it needs @firth/playground, built by `bash scripts/start.sh`)',
    );
    let port = options.port as number | undefined;
    try {
      port ??= playground.playgroundPort(process.env['FIRTH_PLAYGROUND_PORT']);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const serverUrl = options['server-url'] as string | undefined;
    try {
      await playground.servePlayground({
        port,
        host: options.host as string,
        ...(options['allow-remote'] ? { allowRemote: true } : {}),
        ...(serverUrl ? { firthServerUrl: serverUrl } : {}),
        ...(options.quiet ? { quiet: true } : {}),
      });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    return undefined; // keeps running until Ctrl-C
  },
};
