/** `firth n8n`: what scripts/start.sh does after the install — n8n with Firth (@firth/n8n-host). */
import { CliError, type CommandSpec } from '../args.js';
import { importOptionalPeer } from '../io.js';

export const n8nCommand: CommandSpec = {
  name: 'n8n',
  summary: 'Start the real n8n with the Firth nodes installed and every course workflow imported.',
  description:
    'Also starts the Firth model server (127.0.0.1:8787) and PGlite for the pgvector workflow, and\n' +
    'prints the login; Ctrl-C stops everything. Runs inside a clone of the Firth repository, after\n' +
    '`bash scripts/start.sh` has installed the pinned n8n once. Environment: N8N_PORT,\n' +
    'FIRTH_SERVER_PORT, FIRTH_SERVER=off, FIRTH_PGVECTOR=off, FIRTH_N8N_USER_FOLDER.',
  json: false,
  options: {
    port: {
      type: 'integer',
      min: 1,
      placeholder: 'n',
      description: "n8n's port (default: $N8N_PORT, else 5678)",
    },
  },
  examples: ['firth n8n --port 5678'],
  async run({ options }) {
    const host = await importOptionalPeer(
      () => import('@firth/n8n-host'),
      '@firth/n8n-host',
      'firth n8n runs inside a clone of the Firth repository (it needs @firth/n8n-host and the workflows)',
    );
    const bin = host.installedN8nBin();
    if (!bin)
      throw new CliError(
        'the pinned n8n is not installed yet: run `bash scripts/start.sh` once (it installs Node 24 and n8n into ~/.cache/firth, ~8 minutes), then `firth n8n`',
      );
    process.env.FIRTH_N8N_BIN = bin;
    return host.startFirthN8n(options.port === undefined ? [] : [`--port=${options.port}`]);
  },
};
