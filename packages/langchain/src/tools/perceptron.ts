/**
 * `perceptron` — a LangChain tool that trains the course's perceptron on rows and labels.
 *
 * Thin adapter: a zod schema for the arguments, then @firth/neural does the work. The result is a
 * JSON string (what chat models read back): weights, bias, predictions, accuracy and, on request,
 * the step-by-step trace.
 *
 * const result = await perceptronTool.invoke({ rows: [[0,0],[0,1],[1,0],[1,1]], labels: [0,0,0,1],
 *   learningRate: 0.1, initialWeights: [0.3, -0.1], initialBias: 0.2 });
 * JSON.parse(result).predictions // [0, 0, 0, 1]
 */
import { Perceptron, SklearnPerceptron } from '@firth/neural';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';
import { MAX_FEATURES, MAX_ROWS } from './limits.js';

export const perceptronSchema = z.object({
  rows: z
    .array(z.array(z.number()).min(1).max(MAX_FEATURES))
    .min(1)
    .max(MAX_ROWS)
    .describe('Training inputs: one array of numbers per example, e.g. [[0,0],[0,1],[1,0],[1,1]]'),
  labels: z
    .array(z.union([z.number(), z.string().max(200)]))
    .min(1)
    .max(MAX_ROWS)
    .describe('The class of each row: 0 or 1 for the course rule; any labels for the scikit-learn rule'),
  rule: z
    .enum(['course', 'sklearn'])
    .default('course')
    .describe(
      '"course": w <- w + lr*error*x in order until a pass has no mistake (with a trace). "sklearn": identical to sklearn.linear_model.Perceptron',
    ),
  learningRate: z.number().positive().default(0.1).describe('Course rule: learning rate η'),
  initialWeights: z
    .array(z.number())
    .max(MAX_FEATURES)
    .optional()
    .describe('Course rule: starting weights (default zeros)'),
  initialBias: z.number().default(0).describe('Course rule: starting bias'),
  maxEpochs: z.number().int().positive().default(100).describe('Course rule: passes over the data at most'),
  includeTrace: z.boolean().default(false).describe('Course rule: return every update step'),
  maxIter: z.number().int().positive().default(1000).describe('sklearn rule: max_iter'),
  eta0: z.number().positive().default(1).describe('sklearn rule: eta0'),
  randomState: z.number().int().min(0).default(0).describe('sklearn rule: random_state'),
});

export type PerceptronToolInput = z.input<typeof perceptronSchema>;

/** Trains and summarises; the function behind the tool, usable without LangChain. */
export function trainPerceptron(input: z.output<typeof perceptronSchema>): Record<string, unknown> {
  if (input.rule === 'course') {
    const model = new Perceptron({
      learningRate: input.learningRate,
      initialWeights: input.initialWeights,
      initialBias: input.initialBias,
      maxEpochs: input.maxEpochs,
      trace: input.includeTrace,
    }).fit(input.rows, input.labels as number[]);
    return {
      rule: 'course',
      weights: model.weights,
      bias: model.bias,
      epochs: model.epochs,
      converged: model.converged,
      predictions: model.predict(input.rows),
      accuracy: model.score(input.rows, input.labels as number[]),
      ...(input.includeTrace ? { trace: model.trace } : {}),
    };
  }
  const model = new SklearnPerceptron({
    maxIter: input.maxIter,
    eta0: input.eta0,
    randomState: input.randomState,
  }).fit(input.rows, input.labels);
  return {
    rule: 'sklearn',
    coef: model.coef,
    intercept: model.intercept,
    classes: model.classes,
    nIter: model.nIter,
    predictions: model.predict(input.rows),
    accuracy: model.score(input.rows, input.labels),
  };
}

export const perceptronTool = tool(async (input) => JSON.stringify(trainPerceptron(input)), {
  name: 'perceptron',
  description:
    "Train a perceptron (Rosenblatt's single neuron) on numeric rows and labels. Returns the learned weights and bias, the predictions on the rows and the accuracy; optionally the step-by-step trace of the learning rule.",
  schema: perceptronSchema,
});
