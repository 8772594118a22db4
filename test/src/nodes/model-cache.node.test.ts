/**
 * Models in an n8n worker: each shipped model is read once per process, on first use, and shared
 * by every later execution — here two executions of the nodes that use BERT, GloVe and TinyStories
 * in one process, counted by the loaders' own record (@firth/numeric's trackModelLoad). And the
 * memory report a queue-mode start prints per worker names them with their sizes.
 */
import { loadedModels, processMemory } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { Sentiment } from '../../../packages/n8n-nodes-firth/nodes/Sentiment/Sentiment.node.js';
import { TransformerGenerate } from '../../../packages/n8n-nodes-firth/nodes/TransformerGenerate/TransformerGenerate.node.js';
import { WordVectors } from '../../../packages/n8n-nodes-firth/nodes/WordVectors/WordVectors.node.js';
import { nodeRunner } from '../harness/fake-context.js';

const loadsOf = (name: string) => loadedModels().find((m) => m.name === name)?.loads ?? 0;

/** Each model, and one execution of a node that needs it. */
const executions: [string, () => Promise<unknown>][] = [
  ['bert-tiny', () => nodeRunner(new Sentiment())([{ id: 1 }], { text: 'a charming and moving film' })],
  ['glove-6b-100d-top20k', () => nodeRunner(new WordVectors())([{}], { operation: 'analogy' })],
  [
    'tinystories-260k',
    () => nodeRunner(new TransformerGenerate())([{}], { prompt: 'Once', temperature: 0, maxNewTokens: 4 }),
  ],
];

describe('models in one process (an n8n worker)', () => {
  it('two executions load each model once: the second finds it loaded', async () => {
    for (const [name, execute] of executions) {
      const before = loadsOf(name); // another test file in this worker may have loaded it already
      await execute();
      const afterFirst = loadsOf(name);
      expect(afterFirst, name).toBeGreaterThanOrEqual(1);
      expect(afterFirst - before, name).toBeLessThanOrEqual(1);
      await execute();
      expect(loadsOf(name), `${name}: the second execution read it again`).toBe(afterFirst);
    }
  }, 120_000);

  it("the process's memory report names each loaded model with the size of its weights", () => {
    const report = processMemory();
    const size = (name: string) => report.models.find((m) => m.name === name)?.bytes ?? 0;
    // GloVe: 20,000 words × 100 float32
    expect(size('glove-6b-100d-top20k')).toBe(20_000 * 100 * 4);
    // tiny BERT (4,000 pieces × 128): the pretraining and the SST-2 model, each with its own embeddings
    expect(size('bert-tiny')).toBeGreaterThan(2 * 4_000 * 128 * 4);
    // TinyStories 260K parameters, float32
    expect(size('tinystories-260k')).toBeGreaterThan(250_000 * 4);
    expect(report.rssBytes).toBeGreaterThan(report.modelBytes);
  });
});
