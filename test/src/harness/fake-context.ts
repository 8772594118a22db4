/**
 * A fake `IExecuteFunctions` for unit tests (tier 1): enough of n8n's execution context to call a
 * node's `execute()` directly. Parameters are plain values (no expressions: tier 2 runs the real
 * engine for that).
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

export interface FakeContextOptions {
  items: IDataObject[] | INodeExecutionData[];
  /** Node parameters; a function gets the item index. */
  parameters: Record<string, unknown | ((itemIndex: number) => unknown)>;
  continueOnFail?: boolean;
}

export function fakeContext({
  items,
  parameters,
  continueOnFail = false,
}: FakeContextOptions): IExecuteFunctions {
  const input: INodeExecutionData[] = items.map((it) =>
    'json' in it && typeof it.json === 'object' ? (it as INodeExecutionData) : { json: it as IDataObject },
  );
  const node: INode = {
    id: 'test-node',
    name: 'Perceptron',
    type: 'n8n-nodes-firth.perceptron',
    typeVersion: 1,
    position: [0, 0],
    parameters: {},
  };
  const ctx = {
    getInputData: () => input,
    getNode: () => node,
    continueOnFail: () => continueOnFail,
    getNodeParameter: (name: string, itemIndex: number, ...fallback: unknown[]) => {
      const v = parameters[name];
      if (v === undefined) {
        if (fallback.length > 0) return fallback[0];
        throw new Error(`test context: parameter "${name}" not set`);
      }
      return typeof v === 'function' ? (v as (i: number) => unknown)(itemIndex) : v;
    },
    helpers: {
      prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
        data: data.toString('base64'),
        fileName,
        mimeType: mimeType ?? 'application/octet-stream',
        fileSize: String(data.length),
      }),
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    // a sub-node's runs (addInputData / addOutputData), kept for tests to read as `ctx.runs`
    runs: [] as { type: string; input: unknown; output?: unknown }[],
    addInputData(type: string, data: unknown) {
      this.runs.push({ type, input: data });
      return { index: this.runs.length - 1 };
    },
    addOutputData(_type: string, index: number, data: unknown) {
      this.runs[index]!.output = data;
    },
  };
  return ctx as unknown as IExecuteFunctions;
}

/** A node as tests drive it: its parameter defaults and `execute`. */
export interface TestableNode {
  description: { properties: { name: string; default: unknown }[] };
  execute(this: IExecuteFunctions): Promise<unknown>;
}

/**
 * `run(items, parameters, continueOnFail)` for a node: its defaults overridden by `parameters`,
 * returning the items of its first output.
 *
 *   const run = nodeRunner(new Attention());
 *   const [out] = await run([{}], { text: 'the cat' });
 */
export function nodeRunner(node: TestableNode) {
  const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
  return async (
    items: object[],
    parameters: Record<string, unknown> = {},
    continueOnFail = false,
  ): Promise<
    { json: Record<string, any>; binary?: Record<string, { mimeType: string; data: string }> }[]
  > => {
    const ctx = fakeContext({
      items: items as never,
      parameters: { ...defaults, ...parameters },
      continueOnFail,
    });
    return ((await node.execute.call(ctx)) as never[][])[0]!;
  };
}
