import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseEngine, initBackend, tf } from './backend.js';

describe('chooseEngine: which engine trains the CNN and char-RNN models', () => {
  const saved = process.env.FIRTH_DEEP_ENGINE;
  afterEach(() => {
    if (saved === undefined) delete process.env.FIRTH_DEEP_ENGINE;
    else process.env.FIRTH_DEEP_ENGINE = saved;
  });

  it('an explicit choice, else FIRTH_DEEP_ENGINE, else tfjs when tfjs-node is installed, else firth', () => {
    delete process.env.FIRTH_DEEP_ENGINE;
    let tfjsNode = true;
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    } catch {
      tfjsNode = false;
    }
    expect(chooseEngine()).toBe(tfjsNode ? 'tfjs' : 'firth');
    expect(chooseEngine('auto')).toBe(chooseEngine());
    process.env.FIRTH_DEEP_ENGINE = 'tfjs';
    expect(chooseEngine()).toBe('tfjs');
    expect(chooseEngine('firth')).toBe('firth');
    process.env.FIRTH_DEEP_ENGINE = 'torch';
    expect(() => chooseEngine()).toThrow('FIRTH_DEEP_ENGINE must be one of firth, tfjs, got "torch"');
    expect(() => chooseEngine('gpu' as never)).toThrow(
      'engine must be one of firth, tfjs or auto, got "gpu"',
    );
  });
});

describe('backend', () => {
  it('picks wasm here (no tfjs-node), leaves no process-wide rethrowing handlers', async () => {
    const before = process.listeners('unhandledRejection').length;
    const name = await initBackend();
    expect(['wasm', 'tensorflow']).toContain(name);
    expect(tf.getBackend()).toBe(name);
    expect(process.listeners('unhandledRejection').length).toBeLessThanOrEqual(before);
  });

  it('transposed and batched matmuls on the repaired wasm kernel equal the cpu backend', async () => {
    await initBackend();
    const shapes: [number[], number[], boolean, boolean][] = [];
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        shapes.push([ta ? [7, 5] : [5, 7], tb ? [3, 7] : [7, 3], ta, tb]);
        shapes.push([ta ? [2, 7, 5] : [2, 5, 7], tb ? [2, 3, 7] : [2, 7, 3], ta, tb]);
      }
    const results: number[][] = [];
    for (const [sa, sb, ta, tb] of shapes) {
      const a = tf.randomUniform(sa, -1, 1, 'float32', 1);
      const b = tf.randomUniform(sb, -1, 1, 'float32', 2);
      results.push([...(await tf.matMul(a, b, ta, tb).data())]);
      tf.dispose([a, b]);
    }
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      for (const [i, [sa, sb, ta, tb]] of shapes.entries()) {
        const a = tf.randomUniform(sa, -1, 1, 'float32', 1);
        const b = tf.randomUniform(sb, -1, 1, 'float32', 2);
        const ref = await tf.matMul(a, b, ta, tb).data();
        const got = results[i] as number[];
        expect(got.length).toBe(ref.length);
        for (let j = 0; j < ref.length; j++)
          expect(Math.abs((got[j] as number) - (ref[j] as number))).toBeLessThan(2e-6);
      }
    } finally {
      await tf.setBackend(backend);
    }
  });

  it('names why tfjs-node cannot start when it is forced but not installed, and falls back to cpu on request', async () => {
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(
      /No TensorFlow.js backend could start \(tensorflow: Cannot find module '@tensorflow\/tfjs-node'/,
    );
    try {
      expect(await initBackend({ backend: 'cpu' })).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      // the same numbers on cpu: a 2×2 conv
      const y = tf.conv2d(
        tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]),
        tf.tensor4d([1, 1, 1, 1], [2, 2, 1, 1]),
        1,
        'valid',
      );
      expect(Array.from(await y.data())).toEqual([10]);
    } finally {
      expect(await initBackend()).toBe('wasm');
    }
  });

  it('rejects an unknown backend by name', () => {
    expect(() => initBackend({ backend: 'gpu' as never })).toThrow(/Unknown TensorFlow.js backend "gpu"/);
  });
});
