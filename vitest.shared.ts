/**
 * The one vitest configuration every package re-exports.
 *
 * Test tiers by file name (as in langchainjs):
 *   - `*.test.ts`      unit tests: `pnpm test` (turbo task `test`, cached)
 *   - `*.int.test.ts`  tests that start a real service themselves: `pnpm test:int` (never cached)
 *   - `*.bench.ts`     benchmarks: `pnpm bench`, never run as tests
 *
 * Workspace packages resolve to their TypeScript sources through the `firth-source` export
 * condition, so a test never runs against a stale `dist/`.
 *
 * Each run also writes a JSON report under `.reports/`; `scripts/summarize-tests.mjs` adds them up
 * into the suite's closing line `N passed, N failed`.
 */
import { defineConfig } from 'vitest/config';

const tier = process.env.FIRTH_TEST_TIER === 'int' ? 'int' : 'unit';

export default defineConfig({
  resolve: { conditions: ['firth-source'] },
  ssr: { resolve: { conditions: ['firth-source'] } },
  test: {
    include: tier === 'int' ? ['**/*.int.test.ts'] : ['**/*.test.ts'],
    exclude:
      tier === 'int'
        ? ['**/node_modules/**', '**/dist/**']
        : ['**/node_modules/**', '**/dist/**', '**/*.int.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: `.reports/${tier}.json` },
    testTimeout: tier === 'int' ? 600_000 : 30_000,
    hookTimeout: tier === 'int' ? 900_000 : 30_000,
    passWithNoTests: true,
  },
});
