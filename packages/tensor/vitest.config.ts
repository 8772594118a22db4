import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// FIRTH_ARENA_POISON=1: @firth/tensor fills the arena memory a scope releases with NaN, so a tensor
// used after its arenaScope ended (engine.ts) shows up as NaN in these tests
export default mergeConfig(shared, { test: { env: { FIRTH_ARENA_POISON: '1' } } });
