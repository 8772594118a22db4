import { expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

it('bm25-json: 300 mutations of saved BM25 indexes — each accepted (and consistent) or refused by a Firth error', async () => {
  const r = await fuzz(new URL('./formats/bm25-json.ts', import.meta.url), 'bm25-json', { count: 300 });
  console.log(summary(r));
  console.log(r.rejections.join('\n'));
  expect(r.failures, describeFailures(r)).toEqual([]);
  expect(r.outcomes.rejected).toBeGreaterThan(30);
  expect(r.outcomes.accepted).toBeGreaterThan(5);
}, 180_000);
