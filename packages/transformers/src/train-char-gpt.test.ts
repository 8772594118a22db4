import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GPT } from './gpt.js';
import { formatElapsed, parseTrainArgs, readCharGptCheckpoint, trainCharGpt } from './train-char-gpt.js';

describe('trainCharGpt (the train script) on a tiny config', () => {
  it('trains, validates on the last 10 %, keeps the best checkpoint and samples', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'firth-gpt-')), 'best.safetensors');
    const r = await trainCharGpt({
      steps: 60,
      batchSize: 8,
      blockSize: 16,
      nLayer: 1,
      nHead: 2,
      nEmbd: 16,
      lr: 3e-3,
      evalEvery: 20,
      out,
    });
    expect(r.steps).toBe(60);
    expect(r.bestValLoss).toBeLessThan(Math.log(65));
    expect(r.trainLoss).toBeLessThan(r.model.lossCurve[0]!);
    expect(r.sample).toHaveLength(200);
    // the checkpoint on disk has the best validation loss, and carries its vocabulary
    const back = GPT.fromSafetensors(readFileSync(out));
    expect(back.config.nEmbd).toBe(16);
    expect(readCharGptCheckpoint(readFileSync(out), out).tokenizer.vocabSize).toBe(r.tokenizer.vocabSize);
  });

  it('stops when shouldStop says so (Ctrl-C), without a sample when sampleTokens is 0', async () => {
    let calls = 0;
    const r = await trainCharGpt({
      steps: 50,
      batchSize: 4,
      blockSize: 8,
      nLayer: 1,
      nHead: 1,
      nEmbd: 8,
      sampleTokens: 0,
      shouldStop: () => ++calls >= 3,
    });
    expect(r.steps).toBe(3);
    expect(r.stopped).toBe(true);
    expect(r.sample).toBe('');
  });

  it('stops at the time budget', async () => {
    const r = await trainCharGpt({
      steps: 10_000,
      batchSize: 4,
      blockSize: 8,
      nLayer: 1,
      nHead: 1,
      nEmbd: 8,
      minutes: 0.02,
    });
    expect(r.steps).toBeLessThan(10_000);
    expect(r.seconds).toBeLessThan(10);
  });

  it('parses its command line, naming bad flags', () => {
    expect(
      parseTrainArgs(['--', '--steps', '300', '--minutes', '5', '--out', 'x.safetensors', '--n-embd', '64']),
    ).toEqual({
      steps: 300,
      minutes: 5,
      out: 'x.safetensors',
      nEmbd: 64,
    });
    expect(() => parseTrainArgs(['--steps', 'many'])).toThrow('--steps must be a number, got "many"');
    expect(() => parseTrainArgs(['--epochs', '3'])).toThrow(/unknown option --epochs/);
    // the elapsed time is rounded before it is split: 119.6 s is 2m00s, not 1m60s
    expect([59.4, 59.6, 119.6, 3 * 60 + 20.2].map(formatElapsed)).toEqual([
      '0m59s',
      '1m00s',
      '2m00s',
      '3m20s',
    ]);
  });
});
