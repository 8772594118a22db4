/**
 * How an AI sub-node (embeddings, chat model, retriever) shows its calls in the n8n editor, as
 * n8n's own sub-nodes do: each call is a run of the sub-node — its input, then its output, or the
 * error, which is also what the caller gets.
 */
import type {
  AINodeConnectionType,
  IDataObject,
  ISupplyDataFunctions,
  NodeOperationError,
} from 'n8n-workflow';

/** The part of a sub-node's context that records runs (absent in contexts that have none). */
export type Trace = Pick<ISupplyDataFunctions, 'addInputData' | 'addOutputData'>;

/** `ctx` when it can record runs, else undefined. */
export const traceOf = (ctx: ISupplyDataFunctions): Trace | undefined =>
  typeof ctx.addInputData === 'function' ? ctx : undefined;

/**
 * Runs `call` as one run of the sub-node on its `type` output: `input` is recorded first, then
 * `output(result)`; an error becomes `fail(error)`, is recorded and thrown. Without a trace the
 * call still runs and errors still go through `fail`.
 */
export async function recordRun<T>(
  trace: Trace | undefined,
  type: AINodeConnectionType,
  input: IDataObject,
  call: () => Promise<T>,
  output: (result: T) => IDataObject,
  fail: (error: unknown) => NodeOperationError,
): Promise<T> {
  const run = trace?.addInputData(type, [[{ json: input }]]);
  try {
    const result = await call();
    if (run) trace!.addOutputData(type, run.index, [[{ json: output(result) }]]);
    return result;
  } catch (cause) {
    const error = fail(cause);
    if (run) trace!.addOutputData(type, run.index, error);
    throw error;
  }
}
