/**
 * n8n abuse suite: a 10 MB value in every text parameter of every Firth node, and in the item
 * fields nodes read, next to an ordinary item — as n8n runs them (the built bundles), each case in a
 * worker under a watchdog. A huge item is an error ON THAT ITEM, quickly: never a stalled worker,
 * never a lost neighbour, never a 10 MB error message in n8n's execution data.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runUnderWatchdog } from '../fuzz/watchdog.ts';
import { MUST_REFUSE, type NodeCaseResult, nodeCases, SIZE_REFUSAL } from './n8n-cases.ts';

/** The longest error message a node may put on an item (the value it quotes is cut). */
const MAX_MESSAGE = 1000;
/** A refusal must come this fast: the size is checked before any work. */
const REFUSE_MS = 2000;
/** Past this, a case is a hang. */
const HANG_MS = 15_000;

describe('n8n nodes with 10 MB items', () => {
  it('every node answers each hostile item per item, fast, with a short message', async () => {
    const cases = nodeCases();
    const rows: { case: string; ms: number; result?: NodeCaseResult; failure?: string }[] = [];
    await runUnderWatchdog<NodeCaseResult>(
      new URL('./n8n-worker.ts', import.meta.url),
      { cases },
      cases.length,
      (c) =>
        rows.push({
          case: c.description,
          ms: Math.round(c.ms),
          ...('failure' in c.outcome
            ? { failure: `${c.outcome.failure}: ${c.outcome.detail}` }
            : { result: c.outcome.result }),
        }),
      { timeoutMs: HANG_MS, memoryMb: 4096 },
    );
    const dir = new URL('../../.reports/abuse/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL('n8n-items.json', dir), `${JSON.stringify(rows, null, 2)}\n`);
    for (const r of rows) {
      const x = r.result;
      const what = r.failure ?? `${x!.status}${x!.message ? `: ${x!.message.slice(0, 90)}` : ''}`;
      console.log(`${r.case.padEnd(60)} ${String(Math.round(x?.hostileMs ?? r.ms)).padStart(6)} ms  ${what}`);
    }

    const problems = rows.flatMap((r) => {
      if (r.failure) return [`${r.case}: ${r.failure}`];
      const x = r.result!;
      const out: string[] = [];
      if (x.messageLength > MAX_MESSAGE) out.push(`${r.case}: a ${x.messageLength}-character error message`);
      if (x.status === 'thrown' && !r.case.includes('@call'))
        out.push(`${r.case}: threw ${x.errorName} despite Continue On Fail: ${x.message}`);
      if (x.hostileMs > REFUSE_MS)
        out.push(`${r.case}: ${x.status} only after ${Math.round(x.hostileMs)} ms`);
      // (a huge parameter applies to every item; only a huge item leaves its neighbour intact)
      if (x.neighbour === 'missing' && r.case.includes(' @item'))
        out.push(`${r.case}: the ordinary item beside it was lost`);
      const mustRefuse = MUST_REFUSE.some((m) => r.case === m || r.case.startsWith(`${m} `));
      if (mustRefuse && (x.status === 'ok' || !SIZE_REFUSAL.test(x.message)))
        out.push(`${r.case}: must be refused for its size, got ${x.status}: ${x.message.slice(0, 120)}`);
      return out;
    });
    expect(problems, problems.join('\n')).toEqual([]);
    expect(rows).toHaveLength(cases.length);
    // every MUST_REFUSE entry names an existing case (a renamed parameter cannot silently drop out)
    for (const m of MUST_REFUSE)
      expect(
        rows.some((r) => r.case === m || r.case.startsWith(`${m} `)),
        m,
      ).toBe(true);
  }, 900_000);
});
