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
 */
import { readFile } from 'node:fs/promises';
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
  /** The path of model.safetensors, for messages. */
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

export async function readHfCheckpoint(
  folder: string,
  prefixes: string[] = [''],
  options: CheckpointOptions = {},
): Promise<HfCheckpoint> {
  const configFile = join(folder, 'config.json');
  const weightsFile = join(folder, 'model.safetensors');
  const config = checkJson(
    parseJson(await readModelFile(configFile), configFile, { uniqueKeys: true }),
    shape.record(shape.any()),
    configFile,
  );
  const tensors = readSafetensors(await readModelFile(weightsFile), weightsFile, options);
  const tensor = (name: string, shape: number[]) => {
    for (const p of prefixes) {
      const t = tensors.get(p + name);
      if (!t) continue;
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new FormatError(
          weightsFile,
          `tensor "${p + name}"`,
          `has shape ${JSON.stringify(t.shape)}, but config.json implies ${JSON.stringify(shape)}`,
        );
      if (!(t.data instanceof Float32Array))
        throw new FormatError(weightsFile, `tensor "${p + name}"`, `is ${t.dtype}, expected floats`);
      return t.data;
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
