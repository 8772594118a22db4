/**
 * LangChain classes over Firth refuse a text past @firth/numeric's MAX_TEXT_LENGTH at once, with a
 * ValidationError naming the size — an agent or a chain that hands them a pasted file gets an
 * error, not a stalled process. (The tools' own argument limits are checked in @firth/agents.)
 */
import { MAX_TEXT_LENGTH, ValidationError } from '@firth/numeric';
import { HumanMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { FirthBertEmbeddings, FirthChatModel, FirthEmbeddings, FirthUseEmbeddings } from './index.js';

const huge = 'word '.repeat(2_000_000); // 10 MB
const refusal = `has ${huge.length} characters; at most ${MAX_TEXT_LENGTH} are accepted`;

async function refusedFast(call: () => Promise<unknown>) {
  const t0 = performance.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as Error).message).toContain(refusal);
  return performance.now() - t0;
}

describe('LangChain classes with a 10 MB text', () => {
  it.each([
    ['FirthEmbeddings (GloVe)', new FirthEmbeddings()],
    ['FirthBertEmbeddings', new FirthBertEmbeddings()],
    ['FirthUseEmbeddings', new FirthUseEmbeddings()],
  ])(
    '%s: embedQuery and embedDocuments refuse it, the model loaded or not',
    async (_name, embeddings) => {
      await refusedFast(() => embeddings.embedQuery(huge));
      await embeddings.embedQuery('the cat sat on the mat'); // loaded now
      const ms = await refusedFast(() => embeddings.embedDocuments(['a short one', huge]));
      expect(ms).toBeLessThan(500);
    },
    60_000,
  );

  it('FirthChatModel refuses it as the prompt', async () => {
    const chat = new FirthChatModel({ maxTokens: 4 });
    await chat.invoke([new HumanMessage('Once upon a time')]);
    const ms = await refusedFast(() => chat.invoke([new HumanMessage(huge)]));
    expect(ms).toBeLessThan(500);
  }, 60_000);
});
