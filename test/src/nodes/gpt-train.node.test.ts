import { CharTokenizer, GPT, generate } from '@firth/transformers';
import { type INodeExecutionData, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { GptTrain } from '../../../packages/n8n-nodes-firth/nodes/GptTrain/GptTrain.node.js';
import { TransformerGenerate } from '../../../packages/n8n-nodes-firth/nodes/TransformerGenerate/TransformerGenerate.node.js';
import { fakeContext, nodeRunner } from '../harness/fake-context.js';

const gptTrain = nodeRunner(new GptTrain());

/** A config that trains in about a second on tiny Shakespeare. */
const tiny = { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16, steps: 40, batchSize: 8, lr: 0.01 };

/** Transformer Generate on items that carry binary data (the fake context reads it back). */
async function generateFrom(
  items: INodeExecutionData[],
  parameters: Record<string, unknown> = {},
  continueOnFail = false,
) {
  const node = new TransformerGenerate();
  const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
  const ctx = fakeContext({
    items,
    parameters: { ...defaults, model: 'gptCheckpoint', ...parameters },
    continueOnFail,
  });
  Object.assign(ctx.helpers, {
    getBinaryDataBuffer: async (i: number, name: string) =>
      Buffer.from(ctx.getInputData()[i]!.binary![name]!.data, 'base64'),
  });
  return ((await node.execute.call(ctx)) as INodeExecutionData[][])[0]!;
}

/** 51 characters: with Validation Fraction 0.2, 40 to train on and 11 to validate. */
const GOOD = 'a long enough text for both parts to hold a context';

const bytesOf = (data: string) => new Uint8Array(Buffer.from(data, 'base64'));

describe('GPT Train node', async () => {
  const [trained] = await gptTrain([{ run: 'tiny' }], { ...tiny, seed: 3 });

  it('trains on tiny Shakespeare: the loss falls from ln 65 ≈ 4.17, validated on the last 10 %', () => {
    const { json } = trained!;
    expect(json).toMatchObject({
      run: 'tiny',
      textSource: 'tinyShakespeare',
      vocabSize: 65,
      steps: 40,
      config: { vocabSize: 65, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, seed: 3 },
    });
    expect(json.trainTokens + json.validationTokens).toBe(1_115_394);
    expect(json.validationTokens).toBe(111_540);
    expect(json.initialLoss).toBeGreaterThan(3.9);
    expect(json.initialLoss).toBeLessThan(4.5);
    expect(json.finalLoss).toBeLessThan(json.initialLoss - 0.5);
    expect(json.valLoss).toBeLessThan(json.initialLoss - 0.5);
    expect(json.lossCurve).toHaveLength(40);
    expect(json.lossCurve[0]).toBe(json.initialLoss);
    expect(json.valLossCurve.map((v: { step: number }) => v.step)).toEqual([10, 20, 30, 40]);
    expect(json.elapsedMs).toBeGreaterThan(0);
    expect(json.sample).toHaveLength(100);
    expect(json.parameterCount).toBe(new GPT(json.config).parameterCount);
  });

  it('attaches the checkpoint as binary safetensors with the vocabulary in its metadata', async () => {
    const binary = trained!.binary!.data!;
    expect(binary).toMatchObject({ mimeType: 'application/octet-stream' });
    const bytes = bytesOf(binary.data);
    const model = GPT.fromSafetensors(bytes);
    expect(model.config).toEqual(trained!.json.config);
    const tokenizer = CharTokenizer.fromJSON(JSON.parse(GPT.checkpointMetadata(bytes).tokenizer!));
    expect(tokenizer.vocabSize).toBe(65);
    expect(tokenizer.decode(tokenizer.encode('ROMEO:'))).toBe('ROMEO:');
    // the sample is what the checkpoint writes from a new line with the node's seed
    const again = await generate(model, tokenizer, '\n', { temperature: 0.8, maxNewTokens: 100, seed: 3 });
    expect(again.text).toBe(trained!.json.sample);
  });

  it('the same seed trains the same model; another seed another', async () => {
    const [same] = await gptTrain([{}], { ...tiny, seed: 3, options: { sampleLength: 0 } });
    expect(same!.json.lossCurve).toEqual(trained!.json.lossCurve);
    expect(same!.json.sample).toBe('');
    const [other] = await gptTrain([{}], { ...tiny, seed: 4, options: { sampleLength: 0 } });
    expect(other!.json.initialLoss).not.toBe(trained!.json.initialLoss);
  });

  it("trains on each item's text field, without validation when the fraction is 0", async () => {
    const out = await gptTrain([{ text: 'abcd'.repeat(40) }, { text: 'xy'.repeat(40) }], {
      ...tiny,
      blockSize: 4,
      steps: 30,
      textSource: 'field',
      validationFraction: 0,
      binaryPropertyName: 'gpt',
      options: { sampleLength: 8 },
    });
    expect(out.map((o) => o.json.vocabSize)).toEqual([4, 2]);
    expect(out[0]!.json).toMatchObject({ trainTokens: 160, validationTokens: 0, valLoss: null });
    expect(out[0]!.json.finalLoss).toBeLessThan(0.5); // a repeating pattern is easy to learn
    expect(out[0]!.json.sample).toMatch(/^[abcd]{8}$/);
    expect(out[1]!.binary!.gpt!.mimeType).toBe('application/octet-stream');
  });

  it.each([
    [{ textSource: 'field' }, [{ text: GOOD }, { text: '' }], 'The training text is empty'],
    [{ textSource: 'field' }, [{ text: GOOD }, { other: 1 }], 'Field "text" must be text, got nothing'],
    [
      { textSource: 'field', blockSize: 8, validationFraction: 0 },
      [{ text: GOOD }, { text: 'short' }],
      'The training text has 5 characters; Context Length 8 needs at least 9',
    ],
    [
      { textSource: 'field', blockSize: 8 },
      [{ text: GOOD }, { text: 'long enough without validation' }],
      'The validation part has 6 characters; Context Length 8 needs at least 9: raise Validation Fraction or give more text',
    ],
    [{ nLayer: (i: number) => [1, 0][i] }, [{}, {}], 'Layers must be a positive whole number, got 0'],
    [{ steps: (i: number) => [1, -5][i] }, [{}, {}], 'Steps must be a positive whole number, got -5'],
    [
      { batchSize: (i: number) => [1, 1.5][i] },
      [{}, {}],
      'Batch Size must be a positive whole number, got 1.5',
    ],
    [
      { nHead: (i: number) => [2, 3][i] },
      [{}, {}],
      'Width 16 is not divisible by Heads 3: each head gets Width / Heads dimensions',
    ],
    [{ lr: (i: number) => [0.01, 0][i] }, [{}, {}], 'Learning Rate must be above 0, got 0'],
  ])('a bad input fails its item with a clear message: %j', async (parameters, items, message) => {
    const run = { ...tiny, steps: 1, blockSize: 4, validationFraction: 0.2, ...parameters };
    const error = await gptTrain(items, run).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe(message);
    expect(error.context.itemIndex).toBe(1);
    // with Continue On Fail the item carries the error and the good item is trained
    const out = await gptTrain(items, run, true);
    expect(out[0]!.json.error).toBeUndefined();
    expect(out[1]!.json.error).toBe(message);
  });
});

describe('Transformer Generate node with a GPT Train checkpoint', async () => {
  const [trained] = await gptTrain([{}], { ...tiny, seed: 3, options: { sampleLength: 0 } });
  const bytes = bytesOf(trained!.binary!.data!.data);
  const model = GPT.fromSafetensors(bytes);
  const tokenizer = CharTokenizer.fromJSON(JSON.parse(GPT.checkpointMetadata(bytes).tokenizer!));

  it('continues the prompt with the same text as the core for the same seed and settings', async () => {
    const params = { prompt: 'ROMEO:', temperature: 0.8, seed: 7, maxNewTokens: 40, options: { topK: 10 } };
    const [out] = await generateFrom([trained as INodeExecutionData], params);
    const core = await generate(model, tokenizer, 'ROMEO:', {
      temperature: 0.8,
      seed: 7,
      maxNewTokens: 40,
      topK: 10,
    });
    expect(out!.json.text).toBe(core.text);
    expect(out!.json.completion).toBe(`ROMEO:${core.text}`);
    expect(out!.json).toMatchObject({
      finishReason: 'length',
      usage: { promptTokens: 6, completionTokens: 40 },
    });
    const [again] = await generateFrom([trained as INodeExecutionData], params);
    expect(again!.json.text).toBe(out!.json.text);
  });

  it('an empty prompt starts from a new line; greedy is the argmax path', async () => {
    const [out] = await generateFrom([trained as INodeExecutionData], {
      prompt: '',
      temperature: 0,
      maxNewTokens: 20,
    });
    const core = await generate(model, tokenizer, '', { temperature: 0, maxNewTokens: 20, promptIds: [0] });
    expect(tokenizer.idToToken(0)).toBe('\n');
    expect(out!.json.text).toBe(core.text);
    expect(out!.json.usage).toEqual({ promptTokens: 1, completionTokens: 20 });
  });

  it('a missing, corrupt or vocabulary-less checkpoint is a per-item error naming the problem', async () => {
    const good = trained as INodeExecutionData;
    const bin = (data: Uint8Array) => ({
      binary: { data: { data: Buffer.from(data).toString('base64'), mimeType: 'application/octet-stream' } },
    });
    const noVocabulary = new GPT({
      vocabSize: 65,
      blockSize: 16,
      nLayer: 1,
      nHead: 2,
      nEmbd: 16,
    }).toSafetensors();
    const cases: [INodeExecutionData, string][] = [
      [
        { json: {} },
        'No binary field "data" on the item (it has no binary data): connect the output of a GPT Train step',
      ],
      [
        { json: {}, binary: { gpt: good.binary!.data! } },
        'No binary field "data" on the item (it has "gpt"): connect the output of a GPT Train step',
      ],
      [
        { json: {}, ...bin(new TextEncoder().encode('not a checkpoint at all')) },
        // its first 8 bytes read as the header length: "not a ch" = 0x6863206120746f6e
        'Binary field "data": is not a Firth GPT checkpoint: header length 7521891404167278446 is over the 100000000-byte limit: expected the checkpoint of a GPT Train step',
      ],
      [
        { json: {}, ...bin(new Uint8Array(3)) },
        'Binary field "data": is not a Firth GPT checkpoint: has 3 bytes, fewer than the 8 of the header length: expected the checkpoint of a GPT Train step',
      ],
      [
        { json: {}, ...bin(bytes.subarray(0, bytes.byteLength - 100)) },
        // the last tensor (keys are sorted) lost its end
        expect.stringMatching(
          /^Binary field "data": is not a Firth GPT checkpoint: tensor "tokenEmbedding" has data_offsets \[\d+, \d+\] past the end of the \d+-byte data section: expected the checkpoint of a GPT Train step$/,
        ),
      ],
      [
        { json: {}, ...bin(noVocabulary) },
        'Binary field "data": the GPT checkpoint carries no character vocabulary (no "tokenizer" in its metadata): expected the checkpoint of a GPT Train step',
      ],
    ] as never;
    for (const [item, message] of cases) {
      const error = await generateFrom([good, item], { prompt: 'ROMEO:' }).catch((e) => e);
      expect(error).toBeInstanceOf(NodeOperationError);
      expect(error.message).toEqual(message);
      expect(error.context.itemIndex).toBe(1);
      const [ok, soft] = await generateFrom([good, item], { prompt: 'ROMEO:', maxNewTokens: 5 }, true);
      expect(ok!.json.text).toHaveLength(5);
      expect(soft!.json.error).toEqual(message);
    }
  });

  it('a prompt character the checkpoint never saw is named', async () => {
    const error = await generateFrom([trained as INodeExecutionData], { prompt: 'ROMEO: ✓' }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/^unknown character "✓" \(U\+2713\) at index 7/);
  });
});
