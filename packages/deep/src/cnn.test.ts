import { loadDigits } from '@firth/datasets';
import { conv2d } from '@firth/neural';
import { RandomState } from '@firth/numeric';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { CNNClassifier } from './cnn.js';
import { convFilterGradient, convLayer, poolLayer } from './cnn-layers.js';

// The course's figure ("Convolutional Neural Networks"), as in @firth/neural's convolution.test.ts.
const COURSE_IMAGE = [
  [3, 3, 2, 1, 0],
  [0, 0, 1, 3, 1],
  [3, 1, 2, 2, 3],
  [2, 0, 0, 2, 2],
  [2, 0, 0, 0, 1],
];
const COURSE_KERNEL = [
  [0, 1, 2],
  [2, 2, 0],
  [0, 1, 2],
];

beforeAll(async () => {
  await initBackend();
});

/** One image as (1, H, W, 1), one kernel as (kh, kw, 1, 1). */
const asImage = (x: number[][]) => tf.tensor4d(x.flat(), [1, x.length, (x[0] as number[]).length, 1]);
const asKernel = (k: number[][]) => tf.tensor4d(k.flat(), [k.length, (k[0] as number[]).length, 1, 1]);
const toMatrix = (t: tf.Tensor) => {
  const [, h, w] = t.shape as number[];
  const v = Array.from(t.dataSync());
  return Array.from({ length: h as number }, (_, i) => v.slice(i * (w as number), (i + 1) * (w as number)));
};

describe('the conv layer is the course convolution', () => {
  it.each([
    ['valid, stride 1 (the figure: [[12,12,17],[10,17,19],[9,6,14]])', 1, 'valid'],
    ['valid, stride 2', 2, 'valid'],
    ["'same', stride 1", 1, 'same'],
    ["'same', stride 2", 2, 'same'],
    ['padding 1, stride 2', 2, 1],
  ] as const)('%s: tf.conv2d through convLayer equals @firth/neural conv2d', (_, stride, padding) => {
    const out = tf.tidy(() =>
      convLayer(asImage(COURSE_IMAGE), asKernel(COURSE_KERNEL), tf.zeros([1]), stride, padding),
    );
    expect(toMatrix(out)).toEqual(conv2d(COURSE_IMAGE, COURSE_KERNEL, { stride, padding }));
    if (stride === 1 && padding === 'valid')
      expect(toMatrix(out)).toEqual([
        [12, 12, 17],
        [10, 17, 19],
        [9, 6, 14],
      ]);
    out.dispose();
  });

  it('pooling layers agree with the reference too (max and mean over 2×2)', async () => {
    const { maxPool2d, avgPool2d } = await import('@firth/neural');
    for (const padding of ['valid', 'same'] as const) {
      const mx = tf.tidy(() => poolLayer(asImage(COURSE_IMAGE), 'maxPool', 2, 2, padding));
      const av = tf.tidy(() => poolLayer(asImage(COURSE_IMAGE), 'avgPool', 2, 2, padding));
      expect(toMatrix(mx)).toEqual(maxPool2d(COURSE_IMAGE, { padding }));
      const ref = avgPool2d(COURSE_IMAGE, { padding });
      for (const [i, row] of toMatrix(av).entries()) {
        for (const [j, v] of row.entries()) expect(v).toBeCloseTo(ref[i]?.[j] as number, 5);
      }
      tf.dispose([mx, av]);
    }
  });

  it('its hand-written gradients equal the cpu backend’s own Conv2DBackpropFilter / Input', async () => {
    const rng = new RandomState(3);
    type Shape4 = [number, number, number, number];
    const cases: { xs: Shape4; ks: Shape4; stride: number; padding: 'same' | 'valid' | number }[] = [
      { xs: [2, 7, 6, 3], ks: [3, 3, 3, 4], stride: 1, padding: 'same' },
      { xs: [2, 7, 6, 3], ks: [3, 3, 3, 4], stride: 2, padding: 'valid' },
      { xs: [2, 8, 7, 2], ks: [3, 2, 2, 3], stride: 2, padding: 'same' },
      { xs: [1, 6, 6, 1], ks: [3, 3, 1, 2], stride: 3, padding: 1 },
    ];
    const backend = tf.getBackend();
    const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
    if (cpu) cpu.firstUse = false; // no "install tfjs-node" banner: cpu is the reference here
    for (const { xs, ks, stride, padding } of cases) {
      const xv = rng.uniformArray(
        -1,
        1,
        xs.reduce((a, b) => a * b),
      );
      const kv = rng.uniformArray(
        -1,
        1,
        ks.reduce((a, b) => a * b),
      );
      const outShape = tf.tidy(
        () => tf.conv2d(tf.zeros(xs) as tf.Tensor4D, tf.zeros(ks) as tf.Tensor4D, stride, padding).shape,
      );
      const rv = rng.uniformArray(
        -1,
        1,
        outShape.reduce((a, b) => a * b),
      );
      // loss = Σ out · r, so dy = r
      const gradients = (conv: (x: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor4D) =>
        tf.tidy(() => {
          const r = tf.tensor4d(rv, outShape);
          const f = (x: tf.Tensor, k: tf.Tensor) =>
            tf.sum(tf.mul(conv(x as tf.Tensor4D, k as tf.Tensor4D), r));
          const [dx, dk] = tf.grads(f)([tf.tensor4d(xv, xs), tf.tensor4d(kv, ks)]);
          const direct = convFilterGradient(tf.tensor4d(xv, xs), r, [ks[0], ks[1]], stride, padding);
          return [dx, dk, direct].map((t) => Array.from((t as tf.Tensor).dataSync()));
        }) as unknown as [number[], number[], number[]];
      const [dx, dk, direct] = gradients((x, k) => convLayer(x, k, tf.zeros([ks[3]]), stride, padding));
      await tf.setBackend('cpu');
      const [dxNative, dkNative] = gradients((x, k) => tf.conv2d(x, k, stride, padding));
      await tf.setBackend(backend);
      for (const [got, want] of [
        [dk, dkNative],
        [direct, dkNative],
        [dx, dxNative],
      ] as [number[], number[]][]) {
        expect(got.length).toBe(want.length);
        for (const [i, v] of got.entries()) expect(Math.abs(v - (want[i] as number))).toBeLessThan(1e-4);
      }
    }
  });
});

/** sklearn's digits scaled to [0, 1], split 75/25 by a seeded permutation. */
function digitsSplit() {
  const { images, target } = loadDigits();
  const scaled = images.map((im) => im.map((row) => row.map((v) => v / 16)));
  const order = new RandomState(0).permutation(images.length);
  const cut = Math.round(images.length * 0.75);
  const pick = (idx: number[]) => ({
    X: idx.map((i) => scaled[i] as number[][]),
    y: idx.map((i) => target[i] as number),
  });
  return { train: pick(order.slice(0, cut)), test: pick(order.slice(cut)) };
}

describe('CNNClassifier on the digits', () => {
  const { train, test } = digitsSplit();
  const cnn = new CNNClassifier({ epochs: 12, batchSize: 32, learningRate: 0.01, seed: 0 });
  let fitMs = 0;

  it('learns the 8×8 digits: held-out accuracy ≥ 0.97, the loss falls', async () => {
    const t0 = performance.now();
    const epochs: number[] = [];
    await cnn.fit(train.X, train.y, {
      onProgress: (e) => e.phase === 'epoch' && epochs.push(e.metrics?.accuracy ?? 0),
    });
    fitMs = performance.now() - t0;
    const acc = await cnn.score(test.X, test.y);
    console.log(
      `digits CNN: fit ${(fitMs / 1000).toFixed(1)} s, held-out accuracy ${acc.toFixed(4)}, loss ${cnn.lossCurve.map((l) => l.toFixed(3)).join(' ')}`,
    );
    expect(acc).toBeGreaterThanOrEqual(0.97);
    expect(cnn.lossCurve.length).toBe(12);
    expect(cnn.lossCurve.at(-1) as number).toBeLessThan((cnn.lossCurve[0] as number) / 4);
    expect(cnn.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(cnn.summary()).toEqual([
      { layer: 'conv 3×3×16 stride 1 same relu', outputShape: [8, 8, 16], params: 160 },
      { layer: 'maxPool 2×2 stride 2 valid', outputShape: [4, 4, 16], params: 0 },
      { layer: 'conv 3×3×32 stride 1 same relu', outputShape: [4, 4, 32], params: 4640 },
      { layer: 'flatten', outputShape: [512], params: 0 },
      { layer: 'output dense 10 softmax', outputShape: [10], params: 5130 },
    ]);
  }, 120_000);

  it('toJSON → JSON string → fromJSON predicts the same probabilities', async () => {
    const json = JSON.stringify(cnn.toJSON());
    const copy = CNNClassifier.fromJSON(json);
    const few = test.X.slice(0, 20);
    const [a, b] = [await cnn.predictProba(few), await copy.predictProba(few)];
    for (const [i, row] of a.entries()) {
      for (const [k, p] of row.entries()) expect(Math.abs(p - (b[i]?.[k] as number))).toBeLessThan(1e-6);
    }
    expect(await copy.predict(few)).toEqual(await cnn.predict(few));
    expect(copy.lossCurve).toEqual(cnn.lossCurve);
    expect(copy.summary()).toEqual(cnn.summary());
    expect(JSON.stringify(copy.toJSON())).toBe(json);
    copy.dispose();
    // the saved model runs on the other engine too, to float32 rounding
    const other = CNNClassifier.fromJSON(json, cnn.engine === 'firth' ? 'tfjs' : 'firth');
    const c = await other.predictProba(few);
    for (const [i, row] of a.entries()) {
      for (const [k, p] of row.entries()) expect(Math.abs(p - (c[i]?.[k] as number))).toBeLessThan(1e-5);
    }
    other.dispose();
  });

  it('rejects images of another size and non-2-D images, naming the shapes', async () => {
    const seven = (test.X[0] as number[][]).slice(0, 7);
    await expect(cnn.predict([test.X[0] as number[][], seven])).rejects.toThrow(
      'images[1] is 7×8, but the model was trained on 8×8 images',
    );
    const flat = (test.X[0] as number[][]).flat();
    await expect(cnn.predict([flat] as unknown as number[][][])).rejects.toThrow(
      'images[0] must be a 2-D array (rows of numbers), got a 1-D array of 64 numbers',
    );
    await expect(cnn.predict(test.X[0] as unknown as number[][][])).rejects.toThrow(
      'images[0] must be a 2-D array (rows of numbers), got a 1-D array of 8 numbers',
    );
    await expect(cnn.predict([])).rejects.toThrow('images is empty: at least one image is needed');
    await expect(cnn.score(test.X.slice(0, 2), [1])).rejects.toThrow('labels has 1 label but X has 2 rows');
  });
});

describe('CNNClassifier: training mechanics', () => {
  const { train } = digitsSplit();
  const X = train.X.slice(0, 120);
  const y = train.y.slice(0, 120);
  const small = {
    layers: [{ type: 'conv', filters: 4 }, { type: 'maxPool' }, { type: 'flatten' }],
    epochs: 2,
    batchSize: 16,
  } as const;

  it('on TF.js, leaks no tensors: the count is flat across steps and only the weights remain after fit', async () => {
    const cnn = new CNNClassifier({
      ...small,
      layers: [...small.layers],
      validationFraction: 0.2,
      engine: 'tfjs',
    });
    const before = tf.memory().numTensors;
    const perStep: number[] = [];
    const events: string[] = [];
    await cnn.fit(X, y, {
      onProgress: (e) => {
        if (e.phase === 'step') perStep.push(tf.memory().numTensors);
        else events.push(`${e.phase} ${e.epoch}/${e.epochs} ${Object.keys(e.metrics ?? {}).join(',')}`);
      },
    });
    // steps: ceil(96 / 16) = 6 per epoch; Adam makes its moments at the first step, then nothing grows
    expect(perStep.length).toBe(12);
    expect(new Set(perStep.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 4); // conv kernel + bias, output W + b
    expect(events).toEqual([
      'epoch 1/2 accuracy,valLoss,valAccuracy',
      'epoch 2/2 accuracy,valLoss,valAccuracy',
      'end 2/2 accuracy,valLoss,valAccuracy',
    ]);
    expect(cnn.valLossCurve.length).toBe(2);
    expect(cnn.validationScores.length).toBe(2);
    await cnn.predictProba(X.slice(0, 3));
    expect(tf.memory().numTensors).toBe(before + 4);
    cnn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible: one seed, one loss curve; string labels work', async () => {
    const names = y.map((d) => `digit ${d}`);
    const a = await new CNNClassifier({ ...small, layers: [...small.layers], seed: 7 }).fit(X, names);
    const b = await new CNNClassifier({ ...small, layers: [...small.layers], seed: 7 }).fit(X, names);
    const c = await new CNNClassifier({ ...small, layers: [...small.layers], seed: 8 }).fit(X, names);
    expect(a.lossCurve).toEqual(b.lossCurve);
    expect(a.lossCurve).not.toEqual(c.lossCurve);
    expect(a.classes[0]).toBe('digit 0');
    expect(typeof (await a.predict(X.slice(0, 1)))[0]).toBe('string');
    for (const m of [a, b, c]) m.dispose();
  });

  it("Firth's engine gives the same model as TF.js (its cpu backend), up to float32 rounding", async () => {
    const options = { ...small, layers: [...small.layers], epochs: 1, seed: 7 };
    const here = await new CNNClassifier({ ...options, engine: 'firth' }).fit(X, y);
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      const cpu = await new CNNClassifier({ ...options, engine: 'tfjs' }).fit(X, y);
      expect(Math.abs((cpu.lossCurve[0] as number) - (here.lossCurve[0] as number))).toBeLessThan(1e-4);
      const [p, q] = [cpu.toJSON().params, here.toJSON().params];
      for (const [i, { values }] of p.entries()) {
        for (const [j, v] of values.entries())
          expect(Math.abs(v - (q[i]?.values[j] as number))).toBeLessThan(1e-3);
      }
      cpu.dispose();
    } finally {
      await tf.setBackend(backend);
    }
    here.dispose();
  });
});

describe('CNNClassifier: bad input names the problem', () => {
  const img = [
    [0, 1],
    [1, 0],
  ];
  it.each([
    [{ epochs: 0 }, 'epochs must be an integer ≥ 1, got 0'],
    [{ batchSize: 2.5 }, 'batchSize must be an integer ≥ 1, got 2.5'],
    [{ learningRate: -1 }, 'learningRate must be a finite number > 0, got -1'],
    [{ validationFraction: 1 }, 'validationFraction must be a number in [0, 1), got 1'],
    [{ seed: -3 }, 'seed must be an integer in [0, 2^32), got -3'],
    [{ engine: 'gpu' }, 'engine must be one of firth, tfjs or auto, got "gpu"'],
    [{ layers: [{ type: 'conv' }] }, 'layers[0].filters must be an integer ≥ 1, got nothing (undefined)'],
    [
      { layers: [{ type: 'conv', filters: 2, padding: 'full' }] },
      `layers[0].padding must be 'valid', 'same' or an integer ≥ 0, got the string "full"`,
    ],
    [
      { layers: [{ type: 'dense', units: 3, activation: 'gelu' }] },
      'layers[0].activation must be one of relu, tanh, sigmoid, linear, got the string "gelu"',
    ],
    [
      { layers: [{ type: 'lstm' }] },
      'layers[0].type must be one of conv, maxPool, avgPool, flatten, dense, got the string "lstm"',
    ],
  ])('options %j', (options, message) => {
    expect(() => new CNNClassifier(options as never)).toThrow(message);
  });

  it('layers that do not fit the images', async () => {
    const big = new CNNClassifier({
      layers: [{ type: 'conv', filters: 2, kernelSize: 5, padding: 'valid' }],
    });
    await expect(big.fit([img, img], [0, 1])).rejects.toThrow(
      'layers[0] (conv 5×5×2 stride 1 valid relu): the kernel (5) is larger than the padded image (2); use a smaller kernel or more padding (its input is 2×2)',
    );
    const flatFirst = new CNNClassifier({ layers: [{ type: 'flatten' }, { type: 'maxPool' }] });
    await expect(flatFirst.fit([img, img], [0, 1])).rejects.toThrow(
      'layers[1] (maxPool 2×2 stride 2 valid) needs feature maps, but its input is already flat',
    );
  });

  it('images and labels', async () => {
    const cnn = new CNNClassifier({ epochs: 1 });
    await expect(cnn.fit('abc' as never, [0])).rejects.toThrow(
      'images must be an array of 2-D images (N×H×W), got the string "abc"',
    );
    await expect(cnn.fit([img, [[0, 1]]], [0, 1])).rejects.toThrow(
      'images[1] is 1×2, but images[0] is 2×2; all images must have one size',
    );
    await expect(
      cnn.fit(
        [
          img,
          [
            [0, 1],
            [1, Number.NaN],
          ],
        ],
        [0, 1],
      ),
    ).rejects.toThrow('images[1][1][1] must be a finite number, got NaN');
    await expect(cnn.fit([img, [[0, 1], [1]]], [0, 1])).rejects.toThrow(
      'images[1] is ragged: row 1 has 1 value, row 0 has 2',
    );
    await expect(cnn.fit([img, img], [0])).rejects.toThrow('labels has 1 label but X has 2 rows');
    await expect(cnn.fit([img, img], [0, 0])).rejects.toThrow(
      'labels hold one class (0); a classifier needs at least 2',
    );
    await expect(cnn.fit([img, img], [0, 'a'])).rejects.toThrow('labels mixes numbers and strings');
    await expect(cnn.predict([img])).rejects.toThrow('call fit() (or fromJSON) before predictProba()');
  });

  it('fromJSON checks the saved model', () => {
    expect(() => CNNClassifier.fromJSON('{"type":"firth.MLPClassifier"}')).toThrow(
      'model.type must be "firth.CNNClassifier", got "firth.MLPClassifier"',
    );
    const json = {
      type: 'firth.CNNClassifier',
      version: 1,
      options: { layers: [{ type: 'flatten' }] },
      classes: [0, 1],
      imageShape: [2, 2],
      params: [
        { shape: [4, 2], values: [0, 0, 0, 0, 0, 0, 0, 0] },
        { shape: [2], values: [0, 'x'] },
      ],
    };
    expect(() => CNNClassifier.fromJSON(json as never)).toThrow(
      'model.params[1].values[1] must be a finite number, got the string "x"',
    );
    json.params[0] = { shape: [3, 2], values: [0, 0, 0, 0, 0, 0] };
    expect(() => CNNClassifier.fromJSON(json as never)).toThrow(
      'model.params[0].shape must be [4,2], got [3,2]',
    );
  });
});
