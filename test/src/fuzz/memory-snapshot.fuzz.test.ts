import { expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

it('memory-snapshot: 300 mutations of FirthMemoryVectorStore snapshots — each accepted (and consistent) or refused by a Firth error', async () => {
  const r = await fuzz(new URL('./formats/memory-snapshot.ts', import.meta.url), 'memory-snapshot', {
    count: 300,
  });
  console.log(summary(r));
  console.log(r.rejections.join('\n'));
  expect(r.failures, describeFailures(r)).toEqual([]);
  expect(r.outcomes.rejected).toBeGreaterThan(30);
  expect(r.outcomes.accepted).toBeGreaterThan(5);
}, 180_000);
