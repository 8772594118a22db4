import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { Convolution } from '../../../packages/n8n-nodes-firth/nodes/Convolution/Convolution.node.js';
import { fakeContext } from '../harness/fake-context.js';
import { expectPlotBinaries } from '../harness/plot-binaries.js';

const node = new Convolution();
type Out = { json: Record<string, any>; binary?: any };
/** The node's defaults, as the editor fills them in. */
const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
const run = async (items: object[], parameters: Record<string, unknown> = {}, continueOnFail = false) =>
  (
    (await node.execute.call(
      fakeContext({ items: items as never, parameters: { ...defaults, ...parameters }, continueOnFail }),
    )) as Out[][]
  )[0]!;

describe('Convolution node', () => {
  it("computes the course's example with its default parameters", async () => {
    const [out] = await run([{}]);
    expect(out!.json.featureMap).toEqual([
      [12, 12, 17],
      [10, 17, 19],
      [9, 6, 14],
    ]);
    expect(out!.json.shape).toEqual([3, 3]);
    expect(expectPlotBinaries(out!.binary, 'feature-map')).toContain('>19<');
  });

  it('reads images from items, with stride, padding and pooling', async () => {
    const image = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
    ];
    const [same] = await run([{ image }], {
      imageSource: 'field',
      kernel: '[[1]]',
      stride: 2,
      padding: 'valid',
      includePlot: false,
    });
    expect(same!.json.featureMap).toEqual([
      [1, 3],
      [9, 11],
    ]);
    const [pooled] = await run([{ image }], {
      imageSource: 'field',
      kernel: [
        [1, 0],
        [0, 1],
      ],
      padding: 'number',
      paddingSize: 0,
      pooling: 'max',
      poolSize: 3,
    });
    // (x_ij + x_(i+1)(j+1)) over 3×3 windows, then the max of the single 3×3 window
    expect(pooled!.json.featureMap[0]).toEqual([7, 9, 11]);
    expect(pooled!.json.pooled).toEqual([[27]]);
    const [avg] = await run([{ image }], {
      imageSource: 'field',
      kernel: '[[1]]',
      pooling: 'avg',
      poolSize: 2,
    });
    expect(avg!.json.pooled).toEqual([
      [3.5, 5.5],
      [11.5, 13.5],
    ]);
  });

  it('names bad input per item: not 2-D, ragged, kernel too large, bad JSON', async () => {
    const error = await run([{ image: [[1, 2]] }, { image: [1, 2, 3] }], {
      imageSource: 'field',
      kernel: '[[1]]',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
    expect(error.message).toMatch(/image must be a 2-D array \(rows of numbers\), got a 1-D array/);
    const soft = await run(
      [{ image: [[1, 2], [3]] }, { image: 'abc' }, {}],
      { imageSource: 'field', kernel: '[[1]]' },
      true,
    );
    expect(soft[0]!.json.error).toMatch(/ragged/);
    expect(soft[1]!.json.error).toMatch(/Item 1: field "image" must be a 2-D array/);
    expect(soft[2]!.json.error).toMatch(/Item 2: field "image" is missing/);
    await expect(run([{}], { kernel: '[[1, 2], [3' })).rejects.toThrow(/Kernel is not valid JSON/);
    await expect(run([{}], { image: '[[1, 2], [3, 4]]' })).rejects.toThrow(/kernel/i);
    await expect(run([{}], { stride: 0 })).rejects.toThrow(/stride/);
  });
});
