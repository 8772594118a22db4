/**
 * Lets Node run the workspace's TypeScript sources directly (benchmarks: `*.bench.ts`).
 * Preload it:  node --import ../../scripts/bench/ts-hooks.mjs --conditions=firth-source \
 *                   --experimental-transform-types src/x.bench.ts
 * `--conditions=firth-source` makes `@firth/*` resolve to `src/index.ts`; transform-types (not
 * strip-only) is needed because @firth/numeric uses parameter properties. Their `./x.js` imports
 * name the source `./x.ts` (tsc's NodeNext convention), which Node does not rewrite: this hook
 * tries `.ts` when a relative `.js` file does not exist. No build, no dist/.
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (/^\.\.?\/.*\.js$/.test(specifier)) return nextResolve(specifier.replace(/\.js$/, '.ts'), context);
      throw error;
    }
  },
});
