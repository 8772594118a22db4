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

/** The context for one execution: `which` items — the hostile one, the ordinary one, or both in that order. */
function context(
  c: NodeCase,
  node: { description: { properties: { name: string; default: unknown }[] } },
  which: 'hostile' | 'ordinary' | 'both',
) {
  const params: Record<string, unknown> = Object.fromEntries(
    node.description.properties.map((p) => [p.name, p.default]),
  );
  Object.assign(params, c.parameters ?? {});
  if (c.param !== '@item' && c.param !== '@call' && which !== 'ordinary') params[c.param] = big;
  const hostile = {
    json: c.param === '@item' ? Object.fromEntries(ITEM_FIELDS.map((f) => [f, big])) : { ...ordinary },
  };
  const plain = { json: { ...ordinary } };
  const items = which === 'hostile' ? [hostile] : which === 'ordinary' ? [plain, plain] : [hostile, plain];
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
  const execute = (which: 'hostile' | 'ordinary' | 'both') => node.execute!.call(context(c, node, which));
  try {
    if (c.param === '@call') {
      const { response } = await node.supplyData!.call(context(c, node, 'ordinary'), 0);
      const call = (x: string) =>
        response[c.call!]!.call(response, c.call === 'embedDocuments' ? [x, 'the cat'] : x);
      await call('the cat sat on the mat').catch(() => undefined); // warm up: load the model
      const t0 = performance.now();
      try {
        await call(big);
      } catch (e) {
        return { status: 'thrown', ...describeError(e), neighbour: 'n/a', hostileMs: performance.now() - t0 };
      }
      return {
        status: 'ok',
        message: '',
        messageLength: 0,
        errorName: '',
        neighbour: 'n/a',
        hostileMs: performance.now() - t0,
      };
    }
    // warm up (models load on the first execution) with two ordinary items: a node that answers
    // them with fewer items works on the whole input at once (training), so has no neighbour to keep
    const [warm] = await execute('ordinary');
    const perItem = (warm?.length ?? 0) >= 2;
    const t0 = performance.now();
    const [alone] = await execute('hostile');
    const hostileMs = performance.now() - t0;
    const error = alone?.[0]?.json.error;
    const [both] = await execute('both');
    const second = both?.[1]?.json;
    return {
      status: error === undefined ? 'ok' : 'item-error',
      message: String(error ?? '').slice(0, 300),
      messageLength: String(error ?? '').length,
      errorName: '',
      neighbour: !perItem
        ? 'n/a'
        : second === undefined
          ? 'missing'
          : second.error === undefined
            ? 'ok'
            : 'item-error',
      hostileMs,
    };
  } catch (e) {
    return { status: 'thrown', ...describeError(e), neighbour: 'n/a', hostileMs: Number.NaN };
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
