import { expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

it('sqlite-store: 300 mutations of FirthSqliteVectorStore files — each accepted (and consistent) or refused by a Firth error', async () => {
  const r = await fuzz(new URL('./formats/sqlite-store.ts', import.meta.url), 'sqlite-store', { count: 300 });
  console.log(summary(r));
  console.log(r.rejections.join('\n'));
  expect(r.failures, describeFailures(r)).toEqual([]);
  expect(r.outcomes.rejected).toBeGreaterThan(30);
  expect(r.outcomes.accepted).toBeGreaterThan(10);
}, 180_000);
