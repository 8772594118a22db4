/**
 * Builds the playground's page into dist/public: src/ui/main.tsx bundled by esbuild for a browser
 * (the `browser` condition picks each Firth package's browser entry), minified, with
 * index.html and app.css beside it. Prints the bundle's size (raw and gzipped). Runs offline.
 *
 *   node build-ui.mjs            # dist/public/{index.html,app.js,app.css}
 *   node build-ui.mjs --source   # bundle the Firth packages from their TypeScript sources
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist', 'public');
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: [join(here, 'src', 'ui', 'main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // the sources, as every test here runs them: the page never lags behind a package's dist/
  conditions: ['browser', 'firth-source'],
  logLevel: 'warning',
});
copyFileSync(join(here, 'src', 'ui', 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'src', 'ui', 'app.css'), join(out, 'app.css'));
const js = readFileSync(join(out, 'app.js'));
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`playground page: app.js ${kb(js.length)} (${kb(gzipSync(js).length)} gzipped) in ${out}`);
