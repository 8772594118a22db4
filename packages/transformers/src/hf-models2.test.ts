import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from './generation.js';
import { type EncoderHead, HfEncoder } from './hf-encoders.js';
import { loadLlama } from './hf-llama.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Written by fixtures/generate_hf_tiny2.py: tiny random PyTorch modules with HF's parameter names. */
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const folder = (name: string) => join(fixtures, `hf-tiny2-${name}`);
const reference = (name: string): any =>
  JSON.parse(readFileSync(join(folder(name), 'reference.json'), 'utf8'));

/** The largest |a − b| over two nested arrays of the same shape. */
function maxDiff(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return Number.POSITIVE_INFINITY;
  return a.reduce((m: number, x, i) => Math.max(m, maxDiff(x, b[i])), 0);
}

/** A copy of a fixture folder, config.json edited (or the weights, by `tensors`). */
function edited(
  name: string,
  config?: (c: Record<string, unknown>) => Record<string, unknown>,
  tensors?: (t: Map<string, unknown>) => void,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'firth-hf2-'));
  cpSync(folder(name), dir, { recursive: true });
  if (config) {
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config(c)));
  }
  if (tensors) {
    const t = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
    tensors(t as Map<string, unknown>);
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(t as never));
  }
  return dir;
}

const HEADS: Record<string, EncoderHead> = {
  base: 'base',
  seqcls: 'sequence-classification',
  tokcls: 'token-classification',
  qa: 'question-answering',
  mlm: 'masked-lm',
};
/** reference.json's output names → EncoderOutput's. */
const OUTPUTS = {
  last_hidden_state: 'lastHiddenState',
  pooler_output: 'poolerOutput',
  logits: 'logits',
  start_logits: 'startLogits',
  end_logits: 'endLogits',
} as const;

describe('encoders (DistilBERT, RoBERTa, BERT heads) from Hugging Face folders = PyTorch', () => {
  const cases = [
    ...['base', 'seqcls', 'tokcls', 'qa', 'mlm'].flatMap((h) => [`distilbert-${h}`, `roberta-${h}`]),
    ...['seqcls', 'tokcls', 'qa', 'mlm'].map((h) => `bert-${h}`),
  ];
  for (const name of cases) {
    it(`${name}: every output to 1e-4, padding included`, async () => {
      const model = await HfEncoder.load(folder(name));
      const [arch, head] = name.split('-') as [string, string];
      expect(model.architecture).toBe(arch);
      expect(model.head).toBe(HEADS[head]);
      const ref = reference(name);
      const out = model.forward({
        inputIds: ref.input_ids,
        attentionMask: ref.attention_mask,
        tokenTypeIds: ref.token_type_ids,
      });
      const compared = Object.entries(OUTPUTS).filter(([k]) => k in ref);
      expect(compared.length).toBeGreaterThanOrEqual(name === 'distilbert-base' ? 1 : 2);
      for (const [k, ours] of compared) expect(maxDiff(out[ours], ref[k]), `${name} ${k}`).toBeLessThan(1e-4);
      if (head === 'seqcls' || head === 'tokcls')
        expect(model.labels).toEqual(
          Object.values(JSON.parse(readFileSync(join(folder(name), 'config.json'), 'utf8')).id2label),
        );
    });
  }
});

describe('Llama-family (LlamaForCausalLM) from Hugging Face folders = PyTorch', () => {
  for (const [name, backend] of [
    ['llama-gqa', 'wasm'],
    ['llama-untied', 'js'],
  ] as const) {
    it(`${name}: logits at every position to 1e-4 (${backend} forward pass), greedy ids = PyTorch's`, async () => {
      const llama = await loadLlama(folder(name));
      const ref = reference(name);
      // llama-gqa: ε = 1e-5 runs in wasm; llama-untied: ε = 1e-6 and head size 6 run the JS loops
      expect(llama.backend).toBe(backend);
      for (const [b, ids] of (ref.input_ids as number[][]).entries()) {
        for (const be of backend === 'wasm' ? (['wasm', 'js'] as const) : (['js'] as const)) {
          const run = llama.start({ backend: be });
          const logits = ids.map((t) => Array.from(run.step(t)));
          expect(maxDiff(logits, ref.logits[b]), `${name} ${be} row ${b}`).toBeLessThan(1e-4);
        }
      }
      const byId = {
        encode: () => ref.prompt as number[],
        decode: (xs: readonly number[]) => xs.map((x) => `<${x}>`).join(''),
      };
      const out = await generate(llama, byId, '', { temperature: 0, maxNewTokens: 8, stopTokens: [] });
      expect(out.tokens).toEqual(ref.greedy_ids);
    });
  }

  it('malformed folders: FormatError naming the file and the field or tensor', async () => {
    await expect(loadLlama(edited('llama-gqa', (c) => ({ ...c, hidden_act: 'gelu' })))).rejects.toThrow(
      /config\.json: \$\.hidden_act must be one of "silu", got the string "gelu"$/,
    );
    await expect(
      loadLlama(edited('llama-gqa', (c) => ({ ...c, rope_scaling: { type: 'llama3', factor: 8 } }))),
    ).rejects.toThrow(
      /config\.json: \$\.rope_scaling is \{"type":"llama3","factor":8\}: RoPE scaling is not computed/,
    );
    await expect(loadLlama(edited('llama-gqa', (c) => ({ ...c, num_key_value_heads: 3 })))).rejects.toThrow(
      /config\.json: \$\.num_key_value_heads must divide num_attention_heads 2, got 3$/,
    );
    await expect(loadLlama(edited('llama-gqa', (c) => ({ ...c, head_dim: 4 })))).rejects.toThrow(
      /config\.json: \$\.head_dim must be hidden_size \/ num_attention_heads = 8, got 4$/,
    );
    await expect(loadLlama(edited('llama-gqa', (c) => ({ ...c, attention_bias: true })))).rejects.toThrow(
      /\$\.attention_bias must be one of false/,
    );
    // untied: lm_head.weight must be there
    await expect(
      loadLlama(edited('llama-gqa', (c) => ({ ...c, tie_word_embeddings: false }))),
    ).rejects.toThrow(/model\.safetensors: has no tensor "lm_head\.weight"/);
    await expect(loadLlama(edited('llama-gqa', (c) => ({ ...c, num_key_value_heads: 2 })))).rejects.toThrow(
      /model\.safetensors: tensor "model\.layers\.0\.self_attn\.k_proj\.weight" has shape \[8,16\], but config\.json implies \[16,16\]/,
    );
    await expect(
      loadLlama(edited('llama-gqa', undefined, (t) => t.delete('model.layers.1.mlp.up_proj.weight'))),
    ).rejects.toThrow(/has no tensor "model\.layers\.1\.mlp\.up_proj\.weight"/);
    await expect(loadLlama(folder('llama-gqa'), { maxContext: 33 })).rejects.toThrow(
      /config\.json: \$\.max_position_embeddings is 32: maxContext must be an integer in \[1, 32\], got 33/,
    );
  });
});
