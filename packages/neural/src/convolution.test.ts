import { describe, expect, it } from 'vitest';
import { avgPool2d, axisGeometry, conv2d, featureMapSvg, flatten, maxPool2d } from './convolution.js';

// The course's figure ("Convolutional Neural Networks"): the kernel is written as subscripts
// over the top-left 3×3 patch of the 5×5 input, the 3×3 output beside it.
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
const COURSE_OUTPUT = [
  [12, 12, 17],
  [10, 17, 19],
  [9, 6, 14],
];

describe('conv2d', () => {
  it('test_course_example: 5×5 input, 3×3 kernel, stride 1, no padding → the 3×3 map of the figure', () => {
    expect(conv2d(COURSE_IMAGE, COURSE_KERNEL)).toEqual(COURSE_OUTPUT);
    // the first cell by hand: 3·0 + 3·1 + 2·2 + 0·2 + 0·2 + 1·0 + 3·0 + 1·1 + 2·2 = 12
  });

  it('stride 2 keeps every other position: out = floor((5 − 3)/2) + 1 = 2', () => {
    expect(conv2d(COURSE_IMAGE, COURSE_KERNEL, { stride: 2 })).toEqual([
      [12, 17],
      [9, 14],
    ]);
  });

  it("'same' padding keeps 5×5; its centre is the 'valid' map; a corner by hand", () => {
    const same = conv2d(COURSE_IMAGE, COURSE_KERNEL, { padding: 'same' });
    expect(same.length).toBe(5);
    expect(same.every((r) => r.length === 5)).toBe(true);
    expect(same.slice(1, 4).map((r) => r.slice(1, 4))).toEqual(COURSE_OUTPUT);
    // top-left: only K[1..2][1..2] overlap the image: 2·3 + 0·3 + 1·0 + 2·0 = 6
    expect(same[0]?.[0]).toBe(6);
    // bottom-right: K[0..1][0..1] over x[3..4][3..4]: 0·2 + 1·2 + 2·0 + 2·1 = 4
    expect(same[4]?.[4]).toBe(4);
    expect(conv2d(COURSE_IMAGE, COURSE_KERNEL, { padding: 1 })).toEqual(same);
  });

  it("'same' with stride 2 gives ceil(5/2) = 3 and pads one zero each side", () => {
    expect(axisGeometry(5, 3, 2, 'same')).toEqual({ out: 3, padBefore: 1, padAfter: 1 });
    const out = conv2d(COURSE_IMAGE, COURSE_KERNEL, { stride: 2, padding: 'same' });
    const same = conv2d(COURSE_IMAGE, COURSE_KERNEL, { padding: 'same' });
    expect(out).toEqual([0, 2, 4].map((i) => [0, 2, 4].map((j) => same[i]?.[j])));
    // even input: 4 → ceil(4/2) = 2, total pad (2−1)·2 + 3 − 4 = 1, the odd zero at the end (TF)
    expect(axisGeometry(4, 3, 2, 'same')).toEqual({ out: 2, padBefore: 0, padAfter: 1 });
  });

  it('numeric padding: out = floor((n + 2p − k)/s) + 1, e.g. floor((7 + 4 − 3)/2) + 1 = 5', () => {
    expect(
      conv2d(
        [
          [1, 2],
          [3, 4],
        ],
        [[1]],
        { padding: 1 },
      ),
    ).toEqual([
      [0, 0, 0, 0],
      [0, 1, 2, 0],
      [0, 3, 4, 0],
      [0, 0, 0, 0],
    ]);
    expect(axisGeometry(7, 3, 2, 2)).toEqual({ out: 5, padBefore: 2, padAfter: 2 });
  });

  it('non-square kernels and images', () => {
    // a horizontal edge detector [−1, 1] on a step
    expect(conv2d([[0, 0, 1, 1]], [[-1, 1]])).toEqual([[0, 1, 0]]);
    expect(conv2d([[1], [2], [3]], [[1], [1]])).toEqual([[3], [5]]);
  });
});

describe('pooling', () => {
  const X = [
    [1, 3, 2, 4],
    [5, 6, 7, 8],
    [3, 2, 1, 0],
    [1, 2, 3, 4],
  ];
  it('2×2 max and average pooling, stride 2 (by hand)', () => {
    expect(maxPool2d(X)).toEqual([
      [6, 8],
      [3, 4],
    ]);
    expect(avgPool2d(X)).toEqual([
      [3.75, 5.25],
      [2, 2],
    ]);
  });

  it('overlapping windows (size 3, stride 1) and pooling the course feature map', () => {
    expect(maxPool2d(X, { size: 3, stride: 1 })).toEqual([
      [7, 8],
      [7, 8],
    ]);
    expect(maxPool2d(COURSE_OUTPUT, { size: 3 })).toEqual([[19]]);
    expect(avgPool2d(COURSE_OUTPUT, { size: 3 })).toEqual([[116 / 9]]);
  });

  it("'same' padding ignores padded cells: never the max, not counted in the mean (as TF)", () => {
    // 3×3 with 2×2 windows, stride 2: ceil(3/2) = 2, the extra zero column/row at the end
    const Y = [
      [-1, -2, -3],
      [-4, -5, -6],
      [-7, -8, -9],
    ];
    expect(maxPool2d(Y, { padding: 'same' })).toEqual([
      [-1, -3],
      [-7, -9],
    ]);
    expect(avgPool2d(Y, { padding: 'same' })).toEqual([
      [-3, -4.5],
      [-7.5, -9],
    ]);
  });
});

describe('flatten and featureMapSvg', () => {
  it('flattens row by row, maps one after another', () => {
    expect(flatten(COURSE_OUTPUT)).toEqual([12, 12, 17, 10, 17, 19, 9, 6, 14]);
    expect(flatten([[[1, 2]], [[3, 4]]])).toEqual([1, 2, 3, 4]);
    expect(() => flatten([[1, Number.NaN]])).toThrow('maps[0][1] must be a finite number, got NaN');
  });

  it('draws one cell per value with its number', () => {
    const svg = featureMapSvg(COURSE_OUTPUT, { title: 'feature map' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect /g)?.length).toBe(1 + 9);
    expect(svg).toContain('>19</text>');
    expect(svg).toContain('rgb(0,0,0)'); // the largest value is black
  });
});

describe('bad input names the problem', () => {
  const K = [[1]];
  it.each([
    [[1, 2, 3], 'image must be a 2-D array (rows of numbers), got a 1-D array of 3 numbers'],
    [[[[1]]], 'image must be a 2-D array (rows of numbers), got a 3-D array (image[0][0] is an array)'],
    ['abc', 'image must be a 2-D array (rows of numbers), got the string "abc"'],
    [[], 'image is empty: at least one row is needed'],
    [[[]], 'image[0] is empty: rows need at least one number'],
    [[[1, 2], [3]], 'image is ragged: row 1 has 1 value, row 0 has 2'],
    [[[1, 2], 5], 'image[1] must be a row of numbers, got 5'],
    [
      [
        [1, 2, 3],
        [4, 5, Number.POSITIVE_INFINITY],
      ],
      'image[1][2] must be a finite number, got Infinity',
    ],
    [[[1, '2']], 'image[0][1] must be a finite number, got the string "2"'],
  ])('image %j', (image, message) => {
    expect(() => conv2d(image as number[][], K)).toThrow(message);
  });

  it('kernel', () => {
    expect(() => conv2d([[1]], [1] as unknown as number[][])).toThrow(
      'kernel must be a 2-D array (rows of numbers), got a 1-D array of 1 number',
    );
    expect(() => conv2d(COURSE_IMAGE, [[1, null]] as unknown as number[][])).toThrow(
      'kernel[0][1] must be a finite number, got null',
    );
  });

  it('kernel larger than the padded image', () => {
    expect(() =>
      conv2d(
        [
          [1, 2],
          [3, 4],
        ],
        COURSE_KERNEL,
      ),
    ).toThrow('the kernel (3) is larger than the padded image (2); use a smaller kernel or more padding');
    // with one zero around it fits: out = floor((2 + 2 − 3)/1) + 1 = 2; [0][0] = 2·1 + 0·2 + 1·3 + 2·4
    expect(
      conv2d(
        [
          [1, 2],
          [3, 4],
        ],
        COURSE_KERNEL,
        { padding: 1 },
      ),
    ).toEqual([
      [13, 10],
      [11, 16],
    ]);
    expect(() => maxPool2d([[1, 2, 3]], { size: 2 })).toThrow(
      'the pool size (2) is larger than the padded image (1)',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('stride %s', (stride) => {
    expect(() => conv2d(COURSE_IMAGE, COURSE_KERNEL, { stride })).toThrow(
      `stride must be an integer ≥ 1, got ${stride}`,
    );
  });

  it('padding and pool size', () => {
    expect(() => conv2d(COURSE_IMAGE, K, { padding: 'full' as never })).toThrow(
      `padding must be 'valid', 'same' or an integer ≥ 0, got the string "full"`,
    );
    expect(() => conv2d(COURSE_IMAGE, K, { padding: -1 })).toThrow(
      "padding must be 'valid', 'same' or an integer ≥ 0, got -1",
    );
    expect(() => avgPool2d(COURSE_IMAGE, { size: 0 })).toThrow('size must be an integer ≥ 1, got 0');
  });
});
