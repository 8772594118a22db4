// Builds the community-node package: one CommonJS bundle per node (core @firth packages inlined,
// so the package installs with no runtime dependencies; `n8n-workflow` stays external because n8n
// provides it), plus the icons and codex files n8n reads next to each node.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((out) => ({
  in: join(root, out.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
  out: out.replace(/^dist\//, '').replace(/\.js$/, ''),
}));

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['n8n-workflow'],
  conditions: ['firth-source'],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
cpSync(join(root, 'nodes'), join(root, 'dist', 'nodes'), {
  recursive: true,
  filter: (src) => !/\.ts$/.test(src),
});
console.log(`built ${entries.length} entries into dist/`);
