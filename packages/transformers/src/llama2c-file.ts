/**
 * The llama2.c model read from a file (Node only): by default the shipped TinyStories 260K model in
 * @firth/datasets. The parsing is `Llama2c.fromBytes` (llama2c.ts), which a browser calls with the
 * bytes it fetched.
 *
 *   const model = await loadLlama2c();   // stories260K: dim 64, 5 layers, 8 heads, 4 kv heads
 */
import { dataPath } from '@firth/datasets';
import { trackModelLoad } from '@firth/numeric';
import { readModelFile } from './hf-checkpoint.js';
import { Llama2c } from './llama2c.js';
import type { CheckpointOptions } from './safetensors.js';

/**
 * The shipped TinyStories model, or a llama2.c checkpoint at `path` (checked as parseLlama2cCheckpoint
 * says; NaN/Infinity weights refused unless `allowNonFinite`).
 */
export async function loadLlama2c(path?: string, options: CheckpointOptions = {}): Promise<Llama2c> {
  const file = path ?? dataPath('models/tinyllamas-stories260K/stories260K.bin');
  const loading = readModelFile(file).then((bytes) => Llama2c.fromBytes(bytes, file, options));
  return path === undefined ? trackModelLoad('tinystories-260k', loading) : loading;
}
