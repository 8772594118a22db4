/**
 * `convolution` — a LangChain tool that slides a kernel over a 2-D image (the course's CNN
 * lesson), optionally followed by max or average pooling.
 *
 *   JSON.parse(await convolutionTool.invoke({ image: COURSE_5x5, kernel: COURSE_3x3 })).output
 *   // [[12, 12, 17], [10, 17, 19], [9, 6, 14]]
 */
import { avgPool2d, conv2d, maxPool2d } from '@firth/neural';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

export const convolutionSchema = z.object({
  image: z
    .array(z.array(z.number()).min(1).max(512))
    .min(1)
    .max(512)
    .describe('The input as rows of numbers (a 2-D array)'),
  kernel: z
    .array(z.array(z.number()).min(1).max(64))
    .min(1)
    .max(64)
    .describe('The filter as rows of numbers, e.g. 3x3'),
  stride: z.number().int().positive().default(1),
  padding: z
    .union([z.enum(['valid', 'same']), z.number().int().min(0)])
    .default('valid')
    .describe('"valid" (none), "same" (keep the size at stride 1) or a number of zero rows/columns'),
  pool: z.enum(['none', 'max', 'avg']).default('none').describe('Pooling applied to the feature map'),
  poolSize: z.number().int().positive().default(2),
});

export type ConvolutionToolInput = z.input<typeof convolutionSchema>;

/** The function behind the tool, usable without LangChain. */
export function convolve(input: z.output<typeof convolutionSchema>): Record<string, unknown> {
  const output = conv2d(input.image, input.kernel, { stride: input.stride, padding: input.padding });
  const result: Record<string, unknown> = { output, shape: [output.length, output[0]?.length ?? 0] };
  if (input.pool !== 'none') {
    const pool = input.pool === 'max' ? maxPool2d : avgPool2d;
    const pooled = pool(output, { size: input.poolSize });
    Object.assign(result, { pooled, pooledShape: [pooled.length, pooled[0]?.length ?? 0] });
  }
  return result;
}

export const convolutionTool = tool(async (input) => JSON.stringify(convolve(input)), {
  name: 'convolution',
  description:
    'Apply a 2-D convolution (cross-correlation, as in CNNs) of a kernel over an image given as rows of numbers, with stride and padding, optionally followed by max or average pooling. Returns the feature map.',
  schema: convolutionSchema,
});
