/**
 * A Hugging Face model folder as Firth reads it: `config.json` + `model.safetensors` (the files
 * `save_pretrained` writes), with every tensor's shape checked against the config before use.
 *
 *   const ckpt = await readHfCheckpoint('models/gpt2');   // { config, tensor(name, shape) }
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@firth/numeric';
import type { Matrix } from './attention.js';
import { readSafetensors, type Tensor } from './safetensors.js';

export interface HfCheckpoint {
  folder: string;
  config: Record<string, unknown>;
  tensors: Map<string, Tensor>;
  /** The tensor `name` (tried with each prefix), checked to have `shape`. */
  tensor(name: string, shape: number[]): Float32Array;
  /** A 2-D tensor as rows. */
  matrix(name: string, shape: [number, number]): Matrix;
  /** A 1-D tensor as an array. */
  vector(name: string, length: number): number[];
}

export async function readHfCheckpoint(folder: string, prefixes: string[] = ['']): Promise<HfCheckpoint> {
  const read = (file: string) =>
    readFile(join(folder, file)).catch((e: NodeJS.ErrnoException) => {
      throw new ValidationError(`cannot read ${join(folder, file)}: ${e.code ?? e.message}`, file);
    });
  let config: Record<string, unknown>;
  try {
    config = JSON.parse((await read('config.json')).toString('utf8'));
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(
      `${join(folder, 'config.json')} is not valid JSON: ${(e as Error).message}`,
      'config.json',
    );
  }
  const tensors = readSafetensors(await read('model.safetensors'), join(folder, 'model.safetensors'));
  const tensor = (name: string, shape: number[]) => {
    for (const p of prefixes) {
      const t = tensors.get(p + name);
      if (!t) continue;
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new ValidationError(
          `${p + name} has shape ${JSON.stringify(t.shape)} but config.json implies ${JSON.stringify(shape)}`,
          p + name,
        );
      if (!(t.data instanceof Float32Array))
        throw new ValidationError(`${p + name} is ${t.dtype}, expected floats`, p + name);
      return t.data;
    }
    throw new ValidationError(
      `${folder}: model.safetensors has no tensor "${name}"${prefixes.some((p) => p) ? ` (tried prefixes ${JSON.stringify(prefixes)})` : ''}`,
      name,
    );
  };
  return {
    folder,
    config,
    tensors,
    tensor,
    matrix: (name, [r, c]) => {
      const d = tensor(name, [r, c]);
      return Array.from({ length: r }, (_, i) => Array.from(d.subarray(i * c, (i + 1) * c)));
    },
    vector: (name, n) => Array.from(tensor(name, [n])),
  };
}

/** A positive integer field of config.json. */
export function configInt(config: Record<string, unknown>, key: string, fallback?: number): number {
  const v = config[key] ?? fallback;
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new ValidationError(
      `config.json: "${key}" must be a positive integer, got ${JSON.stringify(config[key])}`,
      key,
    );
  return v as number;
}
