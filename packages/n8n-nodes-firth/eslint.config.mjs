import { config } from '@n8n/node-cli/eslint';

export default [
  ...config,
  {
    // (package.json's n8n.strict is false: n8n's strict mode allows no change to this file.)
    // n8n's rule is for n8n Cloud's verified nodes, where a dependency is code that can clash with
    // other nodes. Firth's three dependencies (runtime-files.mjs RUNTIME_PACKAGES: USE-lite's
    // weights, GPT-4o's tokenizer table, pdf.js) are large, optional, exact-version and read only
    // when that feature runs; bundling them would put 30 MB more in every download. Self-hosted
    // n8n's installer fetches them beside the package (`npm install` in its folder).
    files: ['package.json'],
    rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
  },
];
