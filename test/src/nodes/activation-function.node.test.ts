import { ACTIVATION_NAMES } from '@firth/neural';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import {
  ActivationFunction,
  FUNCTION_OPTIONS,
} from '../../../packages/n8n-nodes-firth/nodes/ActivationFunction/ActivationFunction.node.js';
import { fakeContext } from '../harness/fake-context.js';
import { expectPlotBinaries } from '../harness/plot-binaries.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const node = new ActivationFunction();
type Out = { json: Record<string, any>; binary?: any };
const run = async (items: object[], parameters: Record<string, unknown>, continueOnFail = false) =>
  (
    (await node.execute.call(fakeContext({ items: items as never, parameters, continueOnFail }))) as Out[][]
  )[0]!;
const apply = { operation: 'apply', inputField: 'x', outputField: 'y', derivative: true, alpha: 0.1 };

describe('Activation Function node', () => {
  it('offers every activation of the core', () => {
    expect(FUNCTION_OPTIONS.map((o) => o.value).sort()).toEqual([...ACTIVATION_NAMES].sort());
    expect(node.description.usableAsTool).toBe(true);
  });

  it('applies the course functions and their derivatives', async () => {
    const items = [{ x: -2 }, { x: 0 }, { x: 2 }];
    const sig = await run(items, { ...apply, function: 'sigmoid' });
    expect(sig[1]!.json).toMatchObject({ x: 0, y: 0.5, yDerivative: 0.25 });
    expect(sig[2]!.json.y).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    const leaky = await run(items, { ...apply, function: 'leakyRelu' });
    expect(leaky.map((o) => o.json.y)).toEqual([-0.2, 0, 2]);
    expect(leaky[0]!.json.yDerivative).toBe(0.1);
    const relu = await run([{ x: [-1, 3] }], { ...apply, function: 'relu' });
    expect(relu[0]!.json.y).toEqual([0, 3]);
    expect(relu[0]!.json.yDerivative).toEqual([0, 1]);
  });

  it('rounds what a learner reads beside the exact values, and keeps what an earlier node rounded', async () => {
    // leaky ReLU(-3) = 0.1 · -3 = -0.30000000000000004 in float arithmetic
    const [leaky] = await run([{ x: -3 }], { ...apply, function: 'leakyRelu' });
    expect(leaky!.json.y).toBe(-0.30000000000000004);
    expect(leaky!.json.rounded).toEqual({ y: -0.3, yDerivative: 0.1 });
    // Sigmoid then Tanh on the same item (the activation-functions workflow): both stay rounded
    const [sig] = await run([{ x: -3 }], { ...apply, outputField: 'sigmoid', function: 'sigmoid' });
    const [both] = await run([sig!.json], { ...apply, outputField: 'tanh', function: 'tanh' });
    expect(both!.json.rounded).toEqual({
      sigmoid: 0.0474,
      sigmoidDerivative: 0.0452,
      tanh: -0.9951,
      tanhDerivative: 0.0099,
    });
    expectRoundedBeside(both!.json, ['sigmoid', 'sigmoidDerivative', 'tanh', 'tanhDerivative']);
  });

  it('applies softmax over an array, with its Jacobian', async () => {
    const [out] = await run([{ x: [1, 2, 3] }], { ...apply, function: 'softmax' });
    const e = [1, 2, 3].map((v) => Math.exp(v));
    const s = e.reduce((a, b) => a + b);
    for (const [k, p] of (out!.json.y as number[]).entries()) expect(p).toBeCloseTo(e[k]! / s, 15);
    expect(out!.json.yDerivative[0][0]).toBeCloseTo(out!.json.y[0] * (1 - out!.json.y[0]), 15);
  });

  it('plots the chosen functions with a table of values', async () => {
    const [out] = await run([{}], {
      operation: 'plot',
      functions: ['sigmoid', 'tanh', 'relu'],
      from: -4,
      to: 4,
      tablePoints: 5,
      derivative: true,
    });
    expect(out!.json.table.map((r: any) => r.x)).toEqual([-4, -2, 0, 2, 4]);
    expect(out!.json.table[2]).toMatchObject({
      sigmoid: 0.5,
      tanh: 0,
      relu: 0,
      sigmoidDerivative: 0.25,
      tanhDerivative: 1,
    });
    expectRoundedBeside(out!.json, ['table']);
    expect(out!.json.rounded.table[0]).toMatchObject({ x: -4, sigmoid: 0.018, tanh: -0.9993 });
    const svg = expectPlotBinaries(out!.binary, 'activation-functions');
    expect(svg.match(/<polyline/g)).toHaveLength(6);
  });

  it('names bad input per item', async () => {
    const error = await run([{ x: 1 }, { x: 'abc' }], { ...apply, function: 'tanh' }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/Item 1: field "x" must be a number, got the string "abc"/);
    expect(error.context.itemIndex).toBe(1);
    const soft = await run([{ x: 1 }, {}], { ...apply, function: 'tanh' }, true);
    expect(soft[1]!.json.error).toMatch(/Item 1: field "x" is missing/);
    await expect(run([{ x: 1 }], { ...apply, function: 'softmax' })).rejects.toThrow(
      /softmax needs an array/,
    );
    await expect(run([{}], { operation: 'plot', functions: [], from: 0, to: 1 })).rejects.toThrow(
      /at least one activation/,
    );
    await expect(run([{}], { operation: 'plot', functions: ['relu'], from: 1, to: 0 })).rejects.toThrow(
      /'to' must be greater/,
    );
  });
});
