/**
 * `mlp` — a LangChain tool that trains scikit-learn's MLPClassifier / MLPRegressor (identical
 * numbers, @firth/neural) on rows and targets, and optionally predicts new rows.
 *
 *   JSON.parse(await mlpTool.invoke({ rows: [[0,0],[0,1],[1,0],[1,1]], labels: [0,1,1,0],
 *     hiddenLayerSizes: [2], activation: 'tanh', learningRateInit: 0.01, maxIter: 10000, randomState: 42 }))
 *   // { task: 'classification', nIter: 617, predictions: [0, 1, 1, 0], accuracy: 1, coefs: [...], ... }
 */
import { MLPClassifier, MLPRegressor } from '@firth/neural';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';
import { MAX_FEATURES, MAX_ROWS } from './limits.js';

export const mlpSchema = z.object({
  rows: z
    .array(z.array(z.number()).min(1).max(MAX_FEATURES))
    .min(1)
    .max(MAX_ROWS)
    .describe('Training inputs: one array of numbers per example'),
  labels: z
    .array(z.union([z.number(), z.string().max(200)]))
    .min(1)
    .max(MAX_ROWS)
    .describe('Class of each row (classification) or its target number (regression)'),
  task: z.enum(['classification', 'regression']).default('classification'),
  hiddenLayerSizes: z
    .array(z.number().int().positive().max(10_000))
    .min(1)
    .max(10)
    .default([100])
    .describe('Units per hidden layer'),
  activation: z.enum(['identity', 'logistic', 'tanh', 'relu']).default('relu').describe('Hidden activation'),
  solver: z.enum(['adam', 'sgd']).default('adam'),
  learningRateInit: z.number().positive().default(0.001),
  maxIter: z.number().int().positive().max(100000).default(200).describe('Maximum epochs'),
  alpha: z.number().min(0).default(0.0001).describe('L2 penalty'),
  randomState: z.number().int().min(0).default(0).describe("Seed, as scikit-learn's random_state"),
  predictRows: z
    .array(z.array(z.number()).max(MAX_FEATURES))
    .max(MAX_ROWS)
    .optional()
    .describe('New rows to predict with the trained network'),
});

export type MLPToolInput = z.input<typeof mlpSchema>;

/** Trains and summarises; the function behind the tool, usable without LangChain. */
export function trainMlp(input: z.output<typeof mlpSchema>): Record<string, unknown> {
  const options = {
    hiddenLayerSizes: input.hiddenLayerSizes,
    activation: input.activation,
    solver: input.solver,
    learningRateInit: input.learningRateInit,
    maxIter: input.maxIter,
    alpha: input.alpha,
    randomState: input.randomState,
  };
  const common = (m: MLPClassifier | MLPRegressor) => ({
    nIter: m.nIter,
    loss: m.loss,
    coefs: m.coefs,
    intercepts: m.intercepts,
    lossCurveEnd: m.lossCurve.slice(-5),
  });
  if (input.task === 'classification') {
    const m = new MLPClassifier(options).fit(input.rows, input.labels);
    return {
      task: input.task,
      classes: m.classes,
      ...common(m),
      predictions: m.predict(input.rows),
      accuracy: m.score(input.rows, input.labels),
      ...(input.predictRows && {
        newPredictions: m.predict(input.predictRows),
        newProbabilities: m.predictProba(input.predictRows),
      }),
    };
  }
  const m = new MLPRegressor(options).fit(input.rows, input.labels);
  return {
    task: input.task,
    ...common(m),
    predictions: m.predict(input.rows),
    r2: m.score(input.rows, input.labels),
    ...(input.predictRows && { newPredictions: m.predict(input.predictRows) }),
  };
}

export const mlpTool = tool(async (input) => JSON.stringify(trainMlp(input)), {
  name: 'mlp',
  description:
    "Train a multi-layer perceptron (scikit-learn's MLPClassifier/MLPRegressor, same numbers) on numeric rows and labels; returns weights, loss, predictions and accuracy (or R²), and predictions for new rows if given.",
  schema: mlpSchema,
});
