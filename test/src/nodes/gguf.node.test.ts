/**
 * Firth Chat Model with "GGUF File (llama.cpp)": the user's own model file as the chat model of
 * n8n's chains and agents, through @firth/llm's gguf provider. stories260K is written as GGUF at
 * test time; the node's answer must be @firth/llm's. (The bundle's run-time import of node-llama-cpp,
 * present or missing, is checked by hand: see the closing note of issue 16.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chat } from '@firth/llm';
import { llama2cToGguf, loadLlama2c, loadLlama2cTokenizer } from '@firth/transformers';
import type { ISupplyDataFunctions } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmChatFirth } from '../../../packages/n8n-nodes-firth/nodes/LmChatFirth/LmChatFirth.node.js';
import { fakeContext } from '../harness/fake-context.js';

// node-llama-cpp is a devDependency of @firth/llm, where the node's core code imports it from
const hasLlamaCpp = (() => {
  try {
    createRequire(new URL('../../../packages/llm/package.json', import.meta.url)).resolve('node-llama-cpp');
    return true;
  } catch {
    return false;
  }
})();
if (!hasLlamaCpp) console.warn('gguf.node.test.ts: skipped — node-llama-cpp is not installed');

const node = new LmChatFirth();
const supply = (parameters: Record<string, unknown>) => {
  const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
  const ctx = fakeContext({ items: [{ json: {} }] as never, parameters: { ...defaults, ...parameters } });
  return node.supplyData.call(ctx as unknown as ISupplyDataFunctions, 0);
};

describe.skipIf(!hasLlamaCpp)('Firth Chat Model: GGUF File (llama.cpp)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firth-n8n-gguf-'));
  const path = join(dir, 'stories260K-q8_0.gguf');
  const savedThreads = process.env.FIRTH_GGUF_THREADS;
  beforeAll(async () => {
    // one llama.cpp thread: a 260K model gains nothing from more, and a busy CI machine loses much
    process.env.FIRTH_GGUF_THREADS = '1';
    writeFileSync(path, llama2cToGguf(await loadLlama2c(), loadLlama2cTokenizer(), { type: 'q8_0' }));
  }, 60_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (savedThreads === undefined) delete process.env.FIRTH_GGUF_THREADS;
    else process.env.FIRTH_GGUF_THREADS = savedThreads;
  });

  it('offers the provider with a file parameter shown only for it', () => {
    const provider = node.description.properties.find((p) => p.name === 'provider')!;
    expect(provider.options!.map((o) => (o as { value: string }).value)).toContain('gguf');
    const file = node.description.properties.find((p) => p.name === 'ggufPath')!;
    expect(file.displayOptions).toEqual({ show: { provider: ['gguf'] } });
  });

  it("supplies a LangChain chat model whose answer is @firth/llm's for the same file", async () => {
    const { response } = await supply({
      provider: 'gguf',
      ggufPath: path,
      options: { temperature: 0, maxTokens: 10 },
    });
    const model = response as { invoke(input: string): Promise<{ text: string; response_metadata: object }> };
    const answer = await model.invoke('Once upon a time');
    const core = await chat(
      { provider: 'gguf', modelPath: path, temperature: 0, maxTokens: 10 },
      'Once upon a time',
    );
    expect(answer.text).toBe(core.text);
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.response_metadata).toMatchObject({ finish_reason: 'length', template: 'plain' });
  });

  it('no file: a clear error when the model is supplied', async () => {
    const saved = process.env.FIRTH_GGUF_MODEL;
    delete process.env.FIRTH_GGUF_MODEL;
    try {
      await expect(supply({ provider: 'gguf', ggufPath: '' })).rejects.toThrow(/modelPath is required/);
    } finally {
      if (saved !== undefined) process.env.FIRTH_GGUF_MODEL = saved;
    }
  });
});
