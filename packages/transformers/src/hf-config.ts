/**
 * What reading a Hugging Face config.json needs without a file system (the browser entry's GPT
 * reads GPT-2's fields with it); hf-checkpoint.ts reads the folders and re-exports it.
 */
import { shape } from '@firth/numeric';

/**
 * A size field of config.json: a whole number ≥ 1 and ≤ `max` (far above any real model's, low
 * enough that a corrupt value is named here rather than met as a failed allocation).
 */
export const configSize = (max = 1 << 24) => shape.integer({ min: 1, max });
