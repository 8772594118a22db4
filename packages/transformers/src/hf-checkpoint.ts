/**
 * A Hugging Face model folder as Firth reads it: `config.json` + `model.safetensors` (the files
 * `save_pretrained` writes), with every tensor's shape checked against the config before use.
 *
 *   const ckpt = await readHfCheckpoint('models/gpt2');   // { config, tensor(name, shape) }
 *   ckpt.checkConfig(shape.object({ n_embd: configSize() }))   // FormatError naming the field
 *
 * config.json must be a JSON object naming no key twice; each architecture checks the fields it
 * reads with a shape (gpt.ts for GPT-2, bert-model.ts), so a bad value is a FormatError with the file and
 * its JSON path (`…/config.json: $.hidden_size must be an integer ≥ 1 and ≤ 65536, got -1`). The
 * tensors are read by readSafetensors (layout checked, NaN/Infinity refused unless allowed).
 *
 * A checkpoint `save_pretrained` split into shards (model.safetensors.index.json, whose weight_map
 * names each tensor's file, model-00001-of-0000N.safetensors …) is read whole: every shard the
 * index names, each tensor found in the shard the index says (FormatError naming the index
 * otherwise). A folder with only pytorch_model.bin (a pickle, which Firth does not unpickle) is
 * refused with the way out (save_pretrained's safe_serialization=True).
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkJson,
  FormatError,
  parseJson,
  type Shape,
  type ShapeType,
  shape,
  ValidationError,
} from '@firth/numeric';
import type { Matrix } from './reference/attention.js';
import { type CheckpointOptions, readSafetensors, type Tensor } from './safetensors.js';

export interface HfCheckpoint {
  folder: string;
  /** The path of config.json, for messages. */
  configFile: string;
  /** The path of model.safetensors (or of model.safetensors.index.json for shards), for messages. */
  weightsFile: string;
  config: Record<string, unknown>;
  tensors: Map<string, Tensor>;
  /** config.json checked against an architecture's shape (FormatError with the JSON path). */
  checkConfig<S extends Shape>(s: S): ShapeType<S>;
  /** The tensor `name` (tried with each prefix), checked to have `shape`. */
  tensor(name: string, shape: number[]): Float32Array;
  /** A 2-D tensor as rows. */
  matrix(name: string, shape: [number, number]): Matrix;
  /** A 1-D tensor as an array. */
  vector(name: string, length: number): number[];
}

export { configSize } from './hf-config.js';

/** Reads a file of a model folder; a missing or unreadable file is a ValidationError naming it. */
export const readModelFile = (path: string): Promise<Uint8Array> =>
  readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new ValidationError(`cannot read ${path}: ${e.code ?? e.message}`, path);
  });

/** A folder's config.json: a JSON object naming no key twice (FormatError naming the file otherwise). */
export async function readConfigJson(
  folder: string,
): Promise<{ configFile: string; config: Record<string, unknown> }> {
  const configFile = join(folder, 'config.json');
  const config = checkJson(
    parseJson(await readModelFile(configFile), configFile, { uniqueKeys: true }),
    shape.record(shape.any()),
    configFile,
  );
  return { configFile, config };
}

export async function readHfCheckpoint(
  folder: string,
  prefixes: string[] = [''],
  options: CheckpointOptions = {},
): Promise<HfCheckpoint> {
  const { configFile, config } = await readConfigJson(folder);
  const weights = await readWeights(folder, options);
  const { tensors } = weights;
  const weightsFile = weights.file;
  const tensor = (name: string, shape: number[]) => {
    for (const p of prefixes) {
      const t = tensors.get(p + name);
      if (t) return checkedTensor(weightsFile, p + name, t, shape);
    }
    throw new FormatError(
      weightsFile,
      '',
      `has no tensor "${name}"${prefixes.some((p) => p) ? ` (tried prefixes ${JSON.stringify(prefixes)})` : ''}`,
    );
  };
  return {
    folder,
    configFile,
    weightsFile,
    config,
    tensors,
    checkConfig: (s) => checkJson(config, s, configFile),
    tensor,
    matrix: (name, [r, c]) => {
      const d = tensor(name, [r, c]);
      return Array.from({ length: r }, (_, i) => Array.from(d.subarray(i * c, (i + 1) * c)));
    },
    vector: (name, n) => Array.from(tensor(name, [n])),
  };
}

/**
 * The float data of tensor `name` of `file`, checked to have the `shape` config.json implies
 * (FormatError naming the file and tensor otherwise).
 */
export function checkedTensor(file: string, name: string, t: Tensor, shape: readonly number[]): Float32Array {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    throw new FormatError(
      file,
      `tensor "${name}"`,
      `has shape ${JSON.stringify(t.shape)}, but config.json implies ${JSON.stringify(shape)}`,
    );
  if (!(t.data instanceof Float32Array))
    throw new FormatError(file, `tensor "${name}"`, `is ${t.dtype}, not a float`);
  return t.data;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const hfIndex = shape.object({
  metadata: shape.optional(shape.any()),
  weight_map: shape.record(shape.string({ nonEmpty: true })),
});

/**
 * A folder's tensors: model.safetensors, or — when only the index is there — every shard it names.
 * `file` is the path messages name (the weights file, or the index).
 */
export async function readWeights(
  folder: string,
  options: CheckpointOptions = {},
): Promise<{ tensors: Map<string, Tensor>; file: string }> {
  const single = join(folder, 'model.safetensors');
  const indexFile = join(folder, 'model.safetensors.index.json');
  if (!(await exists(single))) {
    if (await exists(indexFile)) return readShards(folder, indexFile, options);
    if (await exists(join(folder, 'pytorch_model.bin')))
      throw new ValidationError(
        `${folder} holds pytorch_model.bin but no model.safetensors: Firth reads safetensors (save with model.save_pretrained(folder, safe_serialization=True))`,
        single,
      );
  }
  return { tensors: readSafetensors(await readModelFile(single), single, options), file: single };
}

async function readShards(folder: string, indexFile: string, options: CheckpointOptions) {
  const index = checkJson(
    parseJson(await readModelFile(indexFile), indexFile, { uniqueKeys: true }),
    hfIndex,
    indexFile,
  );
  const byShard = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(index.weight_map)) {
    if (shard.includes('/') || shard.includes('\\') || shard.startsWith('.'))
      throw new FormatError(
        indexFile,
        `$.weight_map[${JSON.stringify(name)}]`,
        `must name a file in the folder, got ${JSON.stringify(shard)}`,
      );
    byShard.set(shard, [...(byShard.get(shard) ?? []), name]);
  }
  if (byShard.size === 0) throw new FormatError(indexFile, '$.weight_map', 'names no tensor');
  const tensors = new Map<string, Tensor>();
  for (const [shard, names] of byShard) {
    const path = join(folder, shard);
    const part = readSafetensors(await readModelFile(path), path, options);
    for (const name of names) {
      const t = part.get(name);
      if (t === undefined)
        throw new FormatError(
          indexFile,
          `$.weight_map[${JSON.stringify(name)}]`,
          `names ${shard}, which has no such tensor`,
        );
      tensors.set(name, t);
    }
  }
  return { tensors, file: indexFile };
}
