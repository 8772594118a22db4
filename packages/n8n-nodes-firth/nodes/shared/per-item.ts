/**
 * The execute loop every item-wise node shares: one output item per input item (or several, when
 * `each` returns a list: one per search hit, per prediction…), and errors per item — with Continue On Fail the item carries `error` (its other fields kept), otherwise a
 * NodeOperationError names the item. `fail` builds that error when a node words its own (the LLM
 * nodes keep @firth/llm's message, which n8n's default wording would replace); its message is the
 * one an item carries under Continue On Fail.
 *
 *   async execute(this: IExecuteFunctions) {
 *     return mapItems(this, async (i, item) => ({ json: { ...item.json, answer: 42 }, pairedItem: { item: i } }));
 *   }
 */
import { clipMessage } from '@firth/numeric';
import {
  type AINodeConnectionType,
  type IExecuteFunctions,
  type INodeExecutionData,
  NodeOperationError,
} from 'n8n-workflow';
import { toErrorMessage } from './dataset';

export async function mapItems(
  ctx: IExecuteFunctions,
  each: (i: number, item: INodeExecutionData) => Promise<INodeExecutionData | INodeExecutionData[]>,
  fail?: (error: unknown, i: number) => NodeOperationError,
): Promise<INodeExecutionData[][]> {
  const items = ctx.getInputData();
  const out: INodeExecutionData[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      out.push(...[await each(i, items[i]!)].flat());
    } catch (error) {
      const failure = fail?.(error, i);
      const message = failure ? clipMessage(failure.message) : toErrorMessage(error);
      if (ctx.continueOnFail()) {
        out.push({ json: { ...items[i]!.json, error: message }, pairedItem: { item: i } });
        continue;
      }
      throw failure ?? new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
    }
  }
  return [out];
}

/**
 * The sub-node connected to an optional AI input, or undefined when none is — or when the node has
 * no such input at all (n8n gives a node used as an agent's tool no inputs).
 */
export async function optionalInput<T>(
  ctx: IExecuteFunctions,
  type: AINodeConnectionType,
): Promise<T | undefined> {
  if (!ctx.getNodeInputs().some((input) => input.type === type)) return undefined;
  return ((await ctx.getInputConnectionData(type, 0)) as T | undefined) ?? undefined;
}

/**
 * The inputs of a node that works on all items at once (fitting a vectorizer, training word
 * vectors): `read` turns item i into its input and throws when it cannot. With Continue On Fail a
 * refused item becomes an error item (its other fields kept, `itemIndex` set) and is left out of
 * the rest, so one bad item does not cost the others; otherwise a NodeOperationError names it.
 *
 *   const { inputs, failed } = readItems(this, (item, i) => textOf(item, i));
 *   // fit on inputs.map((x) => x.value); output failed alongside the result
 */
export function readItems<T>(
  ctx: IExecuteFunctions,
  read: (item: INodeExecutionData, i: number) => T,
): { inputs: { index: number; value: T }[]; failed: INodeExecutionData[] } {
  const inputs: { index: number; value: T }[] = [];
  const failed: INodeExecutionData[] = [];
  ctx.getInputData().forEach((item, i) => {
    try {
      inputs.push({ index: i, value: read(item, i) });
    } catch (error) {
      const message = toErrorMessage(error);
      if (!ctx.continueOnFail()) throw new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
      failed.push({ json: { ...item.json, error: message, itemIndex: i }, pairedItem: { item: i } });
    }
  });
  return { inputs, failed };
}
