import type { TextSampler } from '@firth/deep';
import { describe, expectTypeOf, it } from 'vitest';
import type { CharSampler } from './text-generator.js';

describe('char_rnn_generate', () => {
  it("writes @firth/deep's sampler type out (an optional peer) the same as @firth/deep has it", () => {
    // checked by tsc (the package's typecheck): @firth/deep's sampler must fit the tool
    expectTypeOf<TextSampler>().toExtend<CharSampler>();
  });
});
