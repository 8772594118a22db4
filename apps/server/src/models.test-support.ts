/**
 * Test models: the shipped story model under another id, with a hook before each forward step —
 * to count steps, slow generation down, or make it fail once a stream has started. (Also how a
 * model is added to the registry: a `LocalChatModel` whose `load` gives a `CausalLM` and a tokenizer.)
 */
import { type LocalChatModel, tinyStories260k } from './registry.js';

/** tinystories-260k as `id`, calling `beforeStep(n)` before step n (from 1, per generation). */
export function storyModelWith(id: string, beforeStep: (n: number) => void): LocalChatModel {
  return {
    ...tinyStories260k,
    id,
    load: async () => {
      const { model, tokenizer } = await tinyStories260k.load();
      const start = () => {
        const run = model.start();
        let n = 0;
        return {
          step: (t: number) => {
            beforeStep(++n);
            return run.step(t);
          },
        };
      };
      return { tokenizer, model: { vocabSize: model.vocabSize, maxContext: model.maxContext, start } };
    },
  };
}
