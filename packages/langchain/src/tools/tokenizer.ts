/**
 * `tokenize` — a LangChain tool that cuts text into tokens and ids with one of Firth's shipped
 * tokenizers (llama2.c's SentencePiece BPE, byte-level BPE, WordPiece, characters).
 *
 *   JSON.parse(await tokenizerTool.invoke({ text: 'Once upon a time' }))
 *   // { tokenizer: 'llama2c-tinystories', tokens: ['▁Once', '▁upon', '▁a', '▁time'], ids: [403, 407, 261, 378], count: 4, … }
 */
import { SHIPPED_TOKENIZERS, shippedTokenizer, tokenizeForDisplay } from '@firth/transformers';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

export const tokenizerSchema = z.object({
  text: z.string().max(100_000).describe('The text to split into tokens'),
  tokenizer: z
    .enum(SHIPPED_TOKENIZERS as unknown as [string, ...string[]])
    .default('llama2c-tinystories')
    .describe(
      'llama2c-tinystories (SentencePiece BPE, 512), bpe-shakespeare (byte-level BPE, 512), wordpiece-shakespeare (BERT-style WordPiece, 1000) or char-shakespeare (characters, 65)',
    ),
});

export type TokenizerToolInput = z.input<typeof tokenizerSchema>;

/** The function behind the tool: tokens, ids, counts and the ids decoded back. */
export function tokenizeText(input: z.output<typeof tokenizerSchema>): Record<string, unknown> {
  const name = input.tokenizer as (typeof SHIPPED_TOKENIZERS)[number];
  return { tokenizer: name, ...tokenizeForDisplay(shippedTokenizer(name), input.text) };
}

export const tokenizerTool = tool(async (input) => JSON.stringify(tokenizeText(input)), {
  name: 'tokenize',
  description:
    "Tokenize text: split it into tokens and token ids with one of Firth's tokenizers (SentencePiece BPE, byte-level BPE, WordPiece, characters); returns tokens, ids, the count and the decoded text.",
  schema: tokenizerSchema,
});
