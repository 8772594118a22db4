/**
 * `char_rnn_generate` — a LangChain tool that continues a prompt character by character with the
 * pretrained ml5 char-LSTM (2 × 128 LSTM trained on tiny Shakespeare, shipped with Firth), the
 * course's RNN lesson. Runs offline on TensorFlow.js, through @firth/deep: an optional peer of
 * this package, imported when the tool first runs (without it the tool says what to install).
 *
 *   JSON.parse(await charRnnTool.invoke({ prompt: 'ROMEO:\n', length: 80, temperature: 0.5 })).text
 *   // 'I will not stay the stranger of the world, …' (Shakespeare-like, different per seed)
 */
import { importOptional } from '@firth/numeric';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

export const charRnnSchema = z.object({
  prompt: z
    .string()
    .max(10_000)
    .default('ROMEO:\n')
    .describe('Text to continue (letters, digits, punctuation, newlines)'),
  length: z.number().int().positive().max(5000).default(200).describe('Characters to generate'),
  temperature: z
    .number()
    .min(0)
    .default(0.5)
    .describe('Below 1 favours likely characters; 0 always takes the most likely'),
  seed: z.number().int().default(0).describe('Seed of the random draws (same seed, same text)'),
});

export type CharRnnToolInput = z.input<typeof charRnnSchema>;

/** What the tool needs of @firth/deep's pretrained char-LSTM (its TextSampler). */
export interface CharSampler {
  sample(options: { prompt: string; length: number; temperature: number; seed: number }): Promise<string>;
}

let pretrained: Promise<CharSampler> | undefined;

/** The function behind the tool; loads the pretrained model once per process. */
export async function generateWithCharRnn(
  input: z.output<typeof charRnnSchema>,
): Promise<Record<string, unknown>> {
  pretrained ??= importOptional(() => import('@firth/deep'), '@firth/deep', 'char_rnn_generate')
    .then(({ loadMl5CharLSTM }) => loadMl5CharLSTM())
    .catch((error: unknown) => {
      pretrained = undefined;
      throw error;
    });
  const model = await pretrained;
  const text = await model.sample(input);
  return {
    prompt: input.prompt,
    text,
    completion: input.prompt + text,
    model: 'ml5 char-LSTM (tiny Shakespeare)',
  };
}

export const charRnnTool = tool(async (input) => JSON.stringify(await generateWithCharRnn(input)), {
  name: 'char_rnn_generate',
  description:
    'Generate Shakespeare-style text character by character with a pretrained character-level LSTM (a recurrent neural network). Give a prompt such as "ROMEO:\\n"; returns the continuation.',
  schema: charRnnSchema,
});
