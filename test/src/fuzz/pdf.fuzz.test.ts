import { expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

it('pdf: 300 mutations of PDFs through loadPdf — each accepted (and consistent) or refused by a Firth error', async () => {
  const r = await fuzz(new URL('./formats/pdf.ts', import.meta.url), 'pdf', { count: 300 });
  console.log(summary(r));
  console.log(r.rejections.join('\n'));
  expect(r.failures, describeFailures(r)).toEqual([]);
  expect(r.outcomes.rejected).toBeGreaterThan(30);
  expect(r.outcomes.accepted).toBeGreaterThan(10);
}, 180_000);
