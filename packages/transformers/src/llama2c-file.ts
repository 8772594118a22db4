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

let shipped: Promise<Llama2c> | undefined;

/**
 * The shipped TinyStories model — read once per process and shared by every caller (the n8n nodes,
 * FirthChatModel, the pipelines: runs are independent, see `Llama2c.start`) — or a llama2.c
 * checkpoint at `path`, read on each call (checked as parseLlama2cCheckpoint says; NaN/Infinity
 * weights refused unless `allowNonFinite`).
 */
export function loadLlama2c(path?: string, options: CheckpointOptions = {}): Promise<Llama2c> {
  const read = (file: string) => readModelFile(file).then((bytes) => Llama2c.fromBytes(bytes, file, options));
  if (path !== undefined || Object.keys(options).length > 0)
    return read(path ?? dataPath('models/tinyllamas-stories260K/stories260K.bin'));
  shipped ??= trackModelLoad(
    'tinystories-260k',
    Promise.resolve().then(() => read(dataPath('models/tinyllamas-stories260K/stories260K.bin'))),
  ).catch((error: unknown) => {
    shipped = undefined; // a failed read is tried again on the next call
    throw error;
  });
  return shipped;
}
