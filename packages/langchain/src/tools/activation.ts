/**
 * `activation_function` — a LangChain tool that evaluates the course's activation functions
 * (and softmax) on numbers, with derivatives.
 *
 *   JSON.parse(await activationTool.invoke({ function: 'sigmoid', values: [0, 2], derivative: true }))
 *   // { function: 'sigmoid', values: [0.5, 0.8807970779778823], derivatives: [0.25, 0.104993585403507] }
 */
import { ACTIVATION_NAMES, applyActivation, softmax, softmaxJacobian } from '@firth/neural';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';
import { MAX_ROWS } from './limits.js';

export const activationSchema = z.object({
  function: z.enum([...ACTIVATION_NAMES, 'softmax']).describe('Which activation to apply'),
  values: z
    .array(z.number())
    .min(1)
    .max(MAX_ROWS)
    .describe('Inputs x (softmax treats them as one vector of logits)'),
  derivative: z.boolean().default(false).describe("Also return f'(x) (for softmax: the Jacobian)"),
  alpha: z.number().optional().describe('Leaky ReLU slope for x < 0 (default 0.1) or ELU alpha (default 1)'),
});

export type ActivationToolInput = z.input<typeof activationSchema>;

/** The function behind the tool, usable without LangChain. */
export function evaluateActivation(input: z.output<typeof activationSchema>): Record<string, unknown> {
  if (input.function === 'softmax') {
    return {
      function: 'softmax',
      values: softmax(input.values),
      ...(input.derivative && { jacobian: softmaxJacobian(input.values) }),
    };
  }
  const options = input.alpha === undefined ? {} : { alpha: input.alpha };
  return {
    function: input.function,
    values: applyActivation(input.function, input.values, options),
    ...(input.derivative && {
      derivatives: applyActivation(input.function, input.values, { ...options, derivative: true }),
    }),
  };
}

export const activationTool = tool(async (input) => JSON.stringify(evaluateActivation(input)), {
  name: 'activation_function',
  description:
    'Evaluate a neural-network activation function (step, sigmoid, tanh, relu, leakyRelu, elu, gelu, silu, softplus, identity, softmax) on numbers, optionally with its derivative.',
  schema: activationSchema,
});
