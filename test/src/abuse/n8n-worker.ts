/**
 * Runs n8n abuse cases (n8n-cases.ts) in a worker thread under the watchdog: each node's
 * `execute` with a fake n8n context — a hostile item (or parameter) first, an ordinary item after
 * it, Continue On Fail on — or a sub-node's `supplyData` and then the huge call.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WatchdogMessage } from '../fuzz/watchdog.ts';
import { hugeText, loadNode, type NodeCase, type NodeCaseResult } from './n8n-cases.ts';

const task = workerData as { cases: NodeCase[]; from: number; count: number };
const post = (m: WatchdogMessage<NodeCaseResult>) => parentPort!.postMessage(m);
const big = hugeText();
const ITEM_FIELDS = [
  'text',
  'question',
  'query',
  'prompt',
  'document',
  'content',
  'input',
  'chatInput',
  'word',
];
const ordinary = {
  text: 'the cat sat on the mat',
  question: 'What is attention?',
  query: 'cat',
  prompt: 'Once',
};

function context(c: NodeCase, node: { description: { properties: { name: string; default: unknown }[] } }) {
  const params: Record<string, unknown> = Object.fromEntries(
    node.description.properties.map((p) => [p.name, p.default]),
  );
  Object.assign(params, c.parameters ?? {});
  if (c.param !== '@item' && c.param !== '@call') params[c.param] = big;
  const hostile = {
    json: c.param === '@item' ? Object.fromEntries(ITEM_FIELDS.map((f) => [f, big])) : { ...ordinary },
  };
  const items = [hostile, { json: { ...ordinary } }];
  return {
    getInputData: () => items,
    getNode: () => ({
      id: 'abuse',
      name: c.node,
      type: `n8n-nodes-firth.${c.node}`,
      typeVersion: 1,
      position: [0, 0],
      parameters: {},
    }),
    getNodeInputs: () => [],
    continueOnFail: () => true,
    getNodeParameter: (name: string, i: number, ...fallback: unknown[]) => {
      const v = params[name];
      if (v === undefined) return fallback.length > 0 ? fallback[0] : undefined;
      // the one expression form Firth's defaults use: '={{ $json.field }}'
      const field = typeof v === 'string' ? /^=\{\{\s*\$json\.(\w+)\s*\}\}$/.exec(v)?.[1] : undefined;
      return field !== undefined ? items[i]!.json[field as keyof typeof ordinary] : v;
    },
    getCredentials: async () => {
      throw new Error('no credentials in the abuse suite');
    },
    getInputConnectionData: async () => undefined,
    getExecutionCancelSignal: () => undefined,
    helpers: {
      prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
        data: data.toString('base64'),
        fileName,
        mimeType,
      }),
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    addInputData: () => ({ index: 0 }),
    addOutputData() {},
    sendMessageToUI() {},
  };
}

const describeError = (e: unknown) => {
  const error = e as Error & { context?: { itemIndex?: number } };
  const message = String(error?.message ?? e);
  return {
    message: message.slice(0, 300),
    messageLength: message.length,
    errorName: error?.constructor?.name ?? typeof e,
    ...(error?.context?.itemIndex !== undefined ? { itemIndex: error.context.itemIndex } : {}),
  };
};

async function run(c: NodeCase): Promise<NodeCaseResult> {
  const node = loadNode(c.node) as unknown as {
    description: { properties: { name: string; default: unknown }[] };
    execute?: (this: unknown) => Promise<{ json: Record<string, unknown> }[][]>;
    supplyData?: (
      this: unknown,
      i: number,
    ) => Promise<{ response: Record<string, (x: unknown) => Promise<unknown>> }>;
  };
  const ctx = context(c, node);
  try {
    if (c.param === '@call') {
      const { response } = await node.supplyData!.call(ctx, 0);
      await response[c.call!]!.call(response, c.call === 'embedDocuments' ? [big, 'the cat'] : big);
      return { status: 'ok', message: '', messageLength: 0, errorName: '', neighbour: 'n/a' };
    }
    const [out] = await node.execute!.call(ctx);
    const first = out?.[0]?.json;
    const second = out?.[1]?.json;
    const error = first?.error;
    return {
      status: error === undefined ? 'ok' : 'item-error',
      message: String(error ?? '').slice(0, 300),
      messageLength: String(error ?? '').length,
      errorName: '',
      neighbour: second === undefined ? 'missing' : second.error === undefined ? 'ok' : 'item-error',
    };
  } catch (e) {
    return { status: 'thrown', ...describeError(e), neighbour: 'n/a' };
  }
}

for (let i = task.from; i < task.count; i++) {
  const c = task.cases[i]!;
  post({
    type: 'start',
    index: i,
    description: `${c.node} ${c.param}${c.call ? ` ${c.call}` : ''}${c.parameters ? ` ${JSON.stringify(c.parameters)}` : ''}`,
  });
  const t0 = performance.now();
  const result = await run(c);
  post({ type: 'result', index: i, result, ms: performance.now() - t0 });
}
post({ type: 'end' });
