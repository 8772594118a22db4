/**
 * Reading n8n's log for lines Firth caused. On a normal run there should be none: the kernels of a
 * second TensorFlow.js copy ("The kernel '…' for backend 'wasm' is already registered"), a second
 * platform ("Platform node has already been set"), a Firth node's warnings or errors.
 *
 * n8n's own lines stay (its Python runner, deprecation notices, api.n8n.io unreachable offline, …),
 * and so does the summary `n8n execute-batch` prints of the node types it ran.
 */

/** What marks a line as Firth's. */
const FIRTH_CAUSED = /firth|tensorflow|tfjs|kernel '|already registered|platform \w+ has already been set/i;
/** execute-batch's summary: `\tn8n-nodes-firth.perceptron: 4` under "Nodes successfully tested". */
const BATCH_SUMMARY = /^\s+n8n-nodes-firth\.\w+: \d+$/;

/**
 * The lines of an n8n log that Firth caused, in order.
 *
 *   firthLogLines("n8n ready\nThe kernel 'Abs' for backend 'wasm' is already registered\n") // ["The kernel 'Abs' …"]
 */
export function firthLogLines(log: string, ignore: readonly string[] = []): string[] {
  return (
    log
      .split('\n')
      // paths and URLs do not count (the n8n runtime lives in ~/.cache/firth)
      .filter((line) => FIRTH_CAUSED.test(line.replace(/\S*\/\S*/g, '')) && !BATCH_SUMMARY.test(line))
      .filter((line) => !ignore.some((text) => line.includes(text)))
  );
}
