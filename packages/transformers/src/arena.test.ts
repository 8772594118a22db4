import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * @firth/tensor's arena (engine.ts) changes where tensors live, not what is computed: GPT training
 * (fit: each step in an arenaScope) and BERT inference (encode/pool with grad: false in a scope)
 * give the same numbers bit for bit as with FIRTH_ARENA=off (no engine memory: every kernel copies
 * in and out of its own memory, as before the arena). Each side loads the packages afresh.
 */
const arenaRuns = async () => (await import('@firth/tensor')).arenaEnabled;

/** A small GPT trained `steps` steps on a fixed text: its loss curve and every parameter. */
async function trainGpt(steps: number) {
  const { GPT } = await import('./gpt.js');
  const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(20);
  const chars = [...new Set(text)];
  const tokens = [...text].map((c) => chars.indexOf(c));
  const gpt = new GPT({ vocabSize: chars.length, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32, seed: 3 });
  gpt.fit(tokens, { steps, batchSize: 8, lr: 3e-3 });
  return {
    curve: [...gpt.lossCurve],
    params: [...gpt.tensors.values()].map((t) => t.data.slice()),
    logits: gpt.forward([tokens.slice(0, 16)], { grad: false }).data,
  };
}

/** The shipped tiny BERT's last hidden state and pooler output for a few sentences (inference). */
async function encodeBert() {
  const { loadTinyBert } = await import('./bert-tiny.js');
  const { collate } = await import('./bert-model.js');
  const { bert, tokenizer } = await loadTinyBert();
  const batch = collate(
    ['a charming , funny and moving film .', 'the plot is thin .', 'an hour too long'].map((s) =>
      tokenizer.encodePlus(s, undefined, { maxLength: 16 }),
    ),
  );
  const h = bert.encode(batch, { grad: false });
  return { hidden: h.data, pooled: bert.pool(h, { grad: false }).data };
}

describe('the arena gives the same numbers as FIRTH_ARENA=off, bit for bit', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  /** fn with the packages as loaded now (arena on), then loaded afresh with FIRTH_ARENA=off. */
  const both = async <R>(fn: () => Promise<R>): Promise<[R, R] | null> => {
    vi.resetModules();
    if (!(await arenaRuns())) return null; // no shared memory here: nothing to compare
    const arena = await fn();
    vi.stubEnv('FIRTH_ARENA', 'off');
    vi.resetModules();
    expect(await arenaRuns()).toBe(false);
    return [arena, await fn()];
  };

  it('GPT training: 1 step and 20 steps give the same losses, weights and logits', async () => {
    for (const steps of [1, 20]) {
      const r = await both(() => trainGpt(steps));
      if (!r) return;
      const [arena, plain] = r;
      expect(arena.curve).toHaveLength(steps);
      expect(arena.curve.every(Number.isFinite)).toBe(true);
      expect(arena.curve).toEqual(plain.curve);
      expect(arena.params).toEqual(plain.params);
      expect(arena.logits).toEqual(plain.logits);
    }
  }, 120_000);

  it('BERT encode and pool (grad: false) give the same vectors', async () => {
    const r = await both(encodeBert);
    if (!r) return;
    const [arena, plain] = r;
    expect(arena.hidden.every(Number.isFinite)).toBe(true);
    expect(arena.hidden).toEqual(plain.hidden);
    expect(arena.pooled).toEqual(plain.pooled);
  }, 120_000);
});
