/**
 * THE GGUF EQUALITY TEST: Firth writes its stories260K model as a llama-architecture GGUF (float32
 * and Q8_0, @firth/transformers' llama2cToGguf), llama.cpp (node-llama-cpp, CPU) runs it greedily
 * from BOS, and its tokens must equal Firth's own llama2.c engine's greedy tokens — exactly for
 * float32; for Q8_0 (weights rounded to 8 bits) the agreement is reported and held to a floor.
 *
 * node-llama-cpp is a devDependency of this package, so the test runs in the workspace; it skips,
 * saying why, only where node-llama-cpp is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Llama2c } from '@firth/transformers';
import {
  ggufTensorToFloat32,
  llama2cToGguf,
  loadLlama2c,
  loadLlama2cTokenizer,
  readGguf,
  writeGguf,
} from '@firth/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateChatConfig } from './config.js';
import { LlmError } from './errors.js';
import { type GgufModel, loadGgufModel, NODE_LLAMA_CPP_VERSION } from './gguf.js';
import { chat, createChatModel } from './providers.js';

/** Tokens generated from BOS (the model's context is 512). */
const N = 400;
/**
 * Q8_0: measured on this machine (node-llama-cpp 3.22.1), llama.cpp's greedy tokens equal Firth's
 * float32 tokens for the first 114 of 400 — then a near-tie flips under 8-bit weights and the story
 * branches (after which positions agree only by chance: 118/400 in all). Floor: the first 100.
 */
const Q8_0_PREFIX_FLOOR = 100;

// node-llama-cpp is a devDependency here: without it these tests fail (they never skip)

/** Firth's llama2.c engine, greedy (argmax, ties: lowest id) from BOS. */
function firthGreedy(model: Llama2c, n: number): number[] {
  const run = model.start();
  const out: number[] = [];
  let token = 1; // BOS
  for (let i = 0; i < n; i++) {
    const logits = run.step(token);
    let best = 0;
    for (let id = 1; id < logits.length; id++) if (logits[id]! > logits[best]!) best = id;
    out.push(best);
    token = best;
  }
  return out;
}

/** How many leading tokens are the same, and how many positions hold the same token in all. */
function agreement(a: number[], b: number[]): { prefix: number; same: number } {
  let prefix = 0;
  while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
  return { prefix, same: a.filter((t, i) => t === b[i]).length };
}

describe(`stories260K as GGUF in llama.cpp (node-llama-cpp ${NODE_LLAMA_CPP_VERSION})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'firth-gguf-'));
  const paths = { f32: join(dir, 'stories260K-f32.gguf'), q8_0: join(dir, 'stories260K-q8_0.gguf') };
  let firth: number[];
  let f32: GgufModel;

  beforeAll(async () => {
    const model = await loadLlama2c();
    const tokenizer = loadLlama2cTokenizer();
    writeFileSync(paths.f32, llama2cToGguf(model, tokenizer, { type: 'f32' }));
    writeFileSync(paths.q8_0, llama2cToGguf(model, tokenizer, { type: 'q8_0' }));
    firth = firthGreedy(model, N);
    f32 = await loadGgufModel(paths.f32, { threads: 1 });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`float32: llama.cpp's ${N} greedy tokens from BOS equal Firth's own`, async () => {
    const tokens = await f32.greedyFromBos(N);
    expect(tokens).toHaveLength(N);
    expect(tokens).toEqual(firth);
    // the story the shipped model tells (a regression on the writer would change it)
    expect(f32.detokenize(tokens).startsWith('Once upon a time')).toBe(true);
  });

  it(`Q8_0: llama.cpp's first ≥ ${Q8_0_PREFIX_FLOOR} greedy tokens equal Firth's float32 ones`, async () => {
    const q8 = await loadGgufModel(paths.q8_0, { threads: 1 });
    expect([f32.quantization, q8.quantization]).toEqual(['F32', 'Q8_0']);
    const tokens = await q8.greedyFromBos(N);
    const { prefix, same } = agreement(tokens, firth);
    console.log(
      `GGUF Q8_0 vs Firth float32, greedy from BOS: the first ${prefix}/${N} tokens equal (${same}/${N} positions in all)`,
    );
    expect(tokens).toHaveLength(N);
    expect(prefix).toBeGreaterThanOrEqual(Q8_0_PREFIX_FLOOR);
  });

  it('a model with no chat template gets the plain transcript, and chat() streams its answer', async () => {
    expect(f32.template).toBe('plain');
    expect(f32.architecture).toBe('llama');
    const pieces: string[] = [];
    const turn = await f32.chat([{ role: 'user', content: 'Tell me a story.' }], {
      temperature: 0,
      maxTokens: 12,
      onToken: (t) => pieces.push(t),
    });
    expect(turn.completionTokens).toBeGreaterThan(0);
    expect(turn.completionTokens).toBeLessThanOrEqual(12);
    expect(turn.promptTokens).toBeGreaterThan(4);
    expect(pieces.join('')).toBe(turn.text);
    expect(turn.text.length).toBeGreaterThan(0);
    // greedy is deterministic: the same turn twice is the same text
    const again = await f32.chat([{ role: 'user', content: 'Tell me a story.' }], {
      temperature: 0,
      maxTokens: 12,
    });
    expect(again.text).toBe(turn.text);
    // maxTokens reached → 'length'
    if (turn.completionTokens === 12) expect(turn.finishReason).toBe('length');
  });

  it("the chat template in the file's metadata (tokenizer.chat_template, Jinja) formats the conversation", async () => {
    // stories260K with a chat template added to its metadata: the same weights, now a "chat model"
    const file = readGguf(llama2cToGguf(await loadLlama2c(), loadLlama2cTokenizer(), { type: 'f32' }));
    const metadata = new Map(file.metadata);
    const template =
      "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";
    metadata.set('tokenizer.chat_template', { type: 'string', value: template });
    const tensors = file.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      type: 'F32' as const,
      data: ggufTensorToFloat32(file, t),
    }));
    const withTemplate = join(dir, 'stories260K-chat.gguf');
    writeFileSync(withTemplate, writeGguf({ metadata, tensors }));
    const chatModel = await loadGgufModel(withTemplate, { threads: 1 });
    const conversation = [
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hi' },
    ] as const;
    expect(chatModel.template).toBe('gguf');
    expect(chatModel.renderPrompt([...conversation])).toBe(
      '<|system|>\nBe kind.\n<|user|>\nHi\n<|assistant|>\n',
    );
    // no template in the file: the plain transcript
    expect(f32.renderPrompt([...conversation])).toContain('Be kind.\n\n### User\nHi\n\n### Assistant\n');
    const turn = await chatModel.chat([...conversation], { temperature: 0, maxTokens: 4 });
    expect(turn.promptTokens).toBe(chatModel.promptTokens([...conversation]));
    expect(turn.completionTokens).toBe(4);
  });

  it("chat({ provider: 'gguf' }) answers through LangChain, streamed and not, with usage", async () => {
    const config = {
      provider: 'gguf',
      modelPath: paths.f32,
      threads: 1,
      temperature: 0,
      maxTokens: 10,
    } as const;
    const direct = await f32.chat([{ role: 'user', content: 'Once upon a time' }], {
      temperature: 0,
      maxTokens: 10,
    });
    const whole = await chat(config, 'Once upon a time');
    expect(whole.text).toBe(direct.text);
    expect(whole.provider).toBe('gguf');
    expect(whole.model).toBe('stories260K-f32.gguf');
    expect(whole.usage).toEqual({
      promptTokens: direct.promptTokens,
      completionTokens: direct.completionTokens,
      totalTokens: direct.promptTokens + direct.completionTokens,
    });
    expect(whole.finishReason).toBe(direct.finishReason);
    const pieces: string[] = [];
    const streamed = await chat({ ...config, streaming: true }, 'Once upon a time', {
      onToken: (t) => pieces.push(t),
    });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(direct.text);
    expect(streamed.text).toBe(direct.text);
    // a stop sequence ends the answer before it
    const cut = direct.text.trim().split(' ')[1]!;
    const stopped = await chat({ ...config, stop: [cut] }, 'Once upon a time');
    expect(stopped.text).not.toContain(cut);
    expect(direct.text.startsWith(stopped.text)).toBe(true);
    // the LangChain model refuses tools, as the local model does
    await expect(
      chat(config, 'hi', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }),
    ).rejects.toThrow(/cannot call tools/);
    expect(createChatModel(config)._llmType()).toBe('gguf');
  });

  it('refuses a file that is not a model, and an empty path, with an LlmError', async () => {
    const bad = join(dir, 'not-a-model.gguf');
    writeFileSync(bad, 'not a gguf file');
    await expect(loadGgufModel(bad)).rejects.toThrow(/cannot load the GGUF model .*not-a-model\.gguf/);
    await expect(loadGgufModel('')).rejects.toBeInstanceOf(LlmError);
  });
});

describe('the gguf provider config', () => {
  it('needs a model file, from modelPath or FIRTH_GGUF_MODEL, and takes no URL or JSON mode', () => {
    const saved = process.env.FIRTH_GGUF_MODEL;
    delete process.env.FIRTH_GGUF_MODEL;
    try {
      expect(() => validateChatConfig({ provider: 'gguf' })).toThrow(
        /modelPath is required .*FIRTH_GGUF_MODEL/,
      );
      process.env.FIRTH_GGUF_MODEL = '/models/a.gguf';
      expect(validateChatConfig({ provider: 'gguf' })).toMatchObject({
        modelPath: '/models/a.gguf',
        model: 'a.gguf',
      });
    } finally {
      if (saved === undefined) delete process.env.FIRTH_GGUF_MODEL;
      else process.env.FIRTH_GGUF_MODEL = saved;
    }
    expect(() => validateChatConfig({ provider: 'gguf', modelPath: 'a.gguf', baseUrl: 'http://x' })).toThrow(
      /runs in this process/,
    );
    expect(() => validateChatConfig({ provider: 'gguf', modelPath: 'a.gguf', jsonMode: true })).toThrow(
      /jsonMode/,
    );
    expect(() => validateChatConfig({ provider: 'local', modelPath: 'a.gguf' })).toThrow(
      /gguf provider only/,
    );
    expect(() => validateChatConfig({ provider: 'gguf', modelPath: 'a.gguf', threads: 0 })).toThrow(
      /threads/,
    );
  });
});
