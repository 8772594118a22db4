import { mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

// The int tier's files each start a real n8n (tier 3: src/n8n.int.test.ts; the browser tier:
// src/browser/) and run them one after the other, so two n8n processes and Chromium never share the
// 2 cores of the machine that runs `bash scripts/test.sh`.
export default mergeConfig(shared, {
  test: { fileParallelism: process.env.FIRTH_TEST_TIER !== 'int' },
});
