/**
 * Fuzz format: a Hugging Face BertForPreTraining folder — the shipped tiny BERT's config.json,
 * model.safetensors (3.8 MB) and vocab.txt — through the public `loadBertForPreTraining(folder)`
 * (what loadTinyBert reads the pretrained model with). config.json and model.safetensors are
 * mutated, by bytes and by field edits.
 *
 * The check of an accepted folder is this module's own reading of what a BERT folder must hold
 * (Hugging Face's BertConfig fields and BertForPreTraining's parameter names and shapes), apart
 * from the loader: config fields that are whole and positive, heads dividing hidden_size, gelu,
 * vocab.txt as long as vocab_size, model.safetensors consistent (safetensors.ts's specRead), every
 * encoder and head tensor present with the config's shape and finite — and the loaded parameters
 * equal to the file's values (linear weights transposed).
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { type BertForPreTraining, loadBertForPreTraining } from '@firth/transformers';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';
import { element, repeatedKey, SAFETENSORS_MUTATORS, specRead } from './safetensors.ts';

const WIDTH: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** BertForPreTraining's tensors (Hugging Face names and (out × in) shapes) for a config. */
function expectedTensors(c: Record<string, number>): Map<string, number[]> {
  const { hidden_size: H, intermediate_size: I, vocab_size: V } = c as Record<string, number>;
  const t = new Map<string, number[]>();
  const dense = (p: string, out: number, inp: number) =>
    t.set(`${p}.weight`, [out, inp]).set(`${p}.bias`, [out]);
  const norm = (p: string) => t.set(`${p}.weight`, [H!]).set(`${p}.bias`, [H!]);
  t.set('bert.embeddings.word_embeddings.weight', [V!, H!]);
  t.set('bert.embeddings.position_embeddings.weight', [c.max_position_embeddings!, H!]);
  t.set('bert.embeddings.token_type_embeddings.weight', [c.type_vocab_size ?? 2, H!]);
  norm('bert.embeddings.LayerNorm');
  for (let l = 0; l < c.num_hidden_layers!; l++) {
    const p = `bert.encoder.layer.${l}`;
    for (const x of ['query', 'key', 'value']) dense(`${p}.attention.self.${x}`, H!, H!);
    dense(`${p}.attention.output.dense`, H!, H!);
    norm(`${p}.attention.output.LayerNorm`);
    dense(`${p}.intermediate.dense`, I!, H!);
    dense(`${p}.output.dense`, H!, I!);
    norm(`${p}.output.LayerNorm`);
  }
  dense('bert.pooler.dense', H!, H!);
  dense('cls.predictions.transform.dense', H!, H!);
  norm('cls.predictions.transform.LayerNorm');
  t.set('cls.predictions.bias', [V!]);
  dense('cls.seq_relationship', 2, H!);
  return t;
}

/** What is wrong with config.json for BERT, or the config. */
function checkConfig(bytes: Uint8Array): Record<string, number> | string {
  let text: string;
  let c: Record<string, unknown>;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    c = JSON.parse(text);
  } catch {
    return 'config.json is not UTF-8 JSON';
  }
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return 'config.json is not an object';
  if (repeatedKey(text) !== null) return `config.json repeats "${repeatedKey(text)}"`;
  const whole = (k: string, optional = false) =>
    (optional && c[k] === undefined) || (Number.isSafeInteger(c[k]) && (c[k] as number) >= 1);
  for (const k of [
    'vocab_size',
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'intermediate_size',
  ])
    if (!whole(k)) return `${k} is ${JSON.stringify(c[k])}`;
  if (!whole('max_position_embeddings') || !whole('type_vocab_size', true))
    return 'a size field is not whole';
  if ((c.hidden_size as number) % (c.num_attention_heads as number)) return 'heads do not divide hidden_size';
  if (c.hidden_act !== undefined && c.hidden_act !== 'gelu')
    return `hidden_act ${JSON.stringify(c.hidden_act)}`;
  if (c.model_type !== undefined && c.model_type !== 'bert')
    return `model_type ${JSON.stringify(c.model_type)}`;
  for (const k of ['hidden_dropout_prob', 'attention_probs_dropout_prob'])
    if (c[k] !== undefined && !(typeof c[k] === 'number' && c[k] >= 0 && c[k] < 1)) return `${k} is ${c[k]}`;
  if (c.layer_norm_eps !== undefined && !(typeof c.layer_norm_eps === 'number' && c.layer_norm_eps >= 0))
    return `layer_norm_eps is ${c.layer_norm_eps}`;
  if (c.firth_seed !== undefined && !Number.isSafeInteger(c.firth_seed)) return 'firth_seed is not whole';
  return c as Record<string, number>;
}

function inconsistency(files: Files, loaded: unknown): string | null {
  const config = checkConfig(files['config.json']!);
  if (typeof config === 'string') return `accepted a bad config: ${config}`;
  const vocab = new TextDecoder().decode(files['vocab.txt']!).split(/\r?\n/);
  if (vocab.at(-1) === '') vocab.pop();
  if (vocab.length !== config.vocab_size)
    return `vocab.txt has ${vocab.length} lines, vocab_size ${config.vocab_size}`;
  const b = files['model.safetensors']!;
  const spec = specRead(b);
  if (typeof spec === 'string') return `accepted an inconsistent model.safetensors: ${spec}`;
  // BertModel checkpoints may leave out the "bert." prefix
  const byName = new Map<string, { dtype: string; begin: number; shape: number[] }>();
  for (const [raw, t] of spec.tensors) {
    const name = /^(embeddings|encoder|pooler)\./.test(raw) ? `bert.${raw}` : raw;
    if (byName.has(name)) return `tensor ${name} is there with and without the prefix`;
    byName.set(name, t);
  }
  const { bert } = loaded as BertForPreTraining;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const [name, shape] of expectedTensors(config)) {
    const t = byName.get(name);
    if (!t) return `accepted without tensor ${name}`;
    if (t.shape.join() !== shape.join()) return `${name} has shape ${t.shape}, the config implies ${shape}`;
    if (!(t.dtype in WIDTH)) return `${name} is ${t.dtype}`;
    const got = bert.tensors.get(name)?.data;
    if (!got) return `${name} was not loaded`;
    // Firth keeps nn.Linear weights (in × out): element (i, j) of the file is got[j · rows + i]
    const linear = shape.length === 2 && !name.includes('embeddings.');
    const [rows, cols] = [shape[0]!, shape[1] ?? 1];
    for (let k = 0; k < got.length; k++) {
      const x = element(view, t.dtype, spec.dataStart + t.begin + k * WIDTH[t.dtype]!);
      if (!Number.isFinite(x)) return `${name} holds ${x}, accepted without allowNonFinite`;
      const at = linear ? (k % cols) * rows + Math.floor(k / cols) : k;
      if (got[at] !== x) return `${name}[${k}] loaded as ${got[at]}, the file says ${x}`;
    }
  }
  if (bert.config.layerNormEps !== (config.layer_norm_eps ?? 1e-12))
    return 'layer_norm_eps not taken from the config';
  return null;
}

// ── config.json edits ────────────────────────────────────────────────────────────────────────────

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const READ = [
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'max_position_embeddings',
  'type_vocab_size',
  'hidden_act',
  'model_type',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'layer_norm_eps',
  'firth_seed',
];

/**
 * Edits config.json when the bytes are a JSON object (model.safetensors is left as it is): in
 * place, or returning the new text.
 */
const onConfig = (edit: (c: Record<string, unknown>, r: Rand) => unknown) => (b: Uint8Array, r: Rand) => {
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b));
  } catch {
    return b;
  }
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return b;
  const text = edit(c, r);
  return new TextEncoder().encode(typeof text === 'string' ? text : JSON.stringify(c, null, 2));
};

const CONFIG_MUTATORS: Mutator[] = [
  {
    name: 'set a config field',
    apply: onConfig((c, r) => {
      const k = pick(r, [...READ, 'architectures', 'initializer_range', 'pad_token_id']);
      const v = c[k];
      c[k] = pick(r, [
        0,
        -1,
        1,
        1.5,
        '128',
        null,
        true,
        [],
        2 ** 31,
        2 ** 53,
        1e308,
        typeof v === 'number' ? v * 2 : 'x',
        typeof v === 'number' ? v + 1 : 'relu',
        typeof v === 'number' ? v / 2 : 'gelu_new',
      ]);
    }),
  },
  {
    name: 'delete a config field',
    apply: onConfig((c, r) => {
      delete c[pick(r, Object.keys(c))];
    }),
  },
  {
    name: 'repeat a config key',
    apply: onConfig((c, r) => {
      const k = pick(r, Object.keys(c));
      return `{${JSON.stringify(k)}: ${JSON.stringify(r() < 0.5 ? c[k] : 7)}, ${JSON.stringify(c).slice(1)}`;
    }),
  },
  {
    name: 'edit the architecture',
    apply: onConfig((c, r) => {
      c[pick(r, ['hidden_act', 'model_type'])] = pick(r, ['gelu', 'relu', 'gelu_new', 'bert', 'gpt2', '']);
    }),
  },
  {
    name: 'add a field or reformat',
    apply: onConfig((c, r) => {
      // fields Firth does not read, and layout: both legitimately accepted
      if (r() < 0.5)
        c[pick(r, ['torch_dtype', 'transformers_version', 'id2label'])] = pick(r, [
          'float32',
          '4.0',
          { 0: 'a' },
        ]);
      return JSON.stringify(c, null, int(r, 4));
    }),
  },
];

const format: FuzzFormat = {
  name: 'hf-bert-folder',
  kind: 'binary',
  seeds: () => {
    const read = (f: string) => new Uint8Array(readFileSync(dataPath(`models/bert-tiny/${f}`)));
    return [
      {
        'config.json': read('config.json'),
        'model.safetensors': read('model.safetensors'),
        'vocab.txt': read('vocab.txt'),
      },
    ];
  },
  mutable: ['config.json', 'model.safetensors'],
  // each extra edits config.json (a JSON object: starts with "{") or model.safetensors, whichever it is given
  extra: SAFETENSORS_MUTATORS.map((m, i) => {
    const c = CONFIG_MUTATORS[i % CONFIG_MUTATORS.length]!;
    return { name: `${c.name} / ${m.name}`, apply: (b, r, o) => (b[0] === 0x7b ? c : m).apply(b, r, o) };
  }),
  load: (_files, dir) => loadBertForPreTraining(dir),
  inconsistency,
};
export default format;
