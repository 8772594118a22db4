/**
 * The cases of the n8n abuse suite: every Firth node, built as n8n loads it (the CommonJS bundles
 * in packages/n8n-nodes-firth/dist), fed a 10 MB value in each of its text parameters and in the
 * item fields nodes read, next to an ordinary item.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const PACKAGE = new URL('../../../packages/n8n-nodes-firth/', import.meta.url);

export interface NodeCase {
  /** Folder and class name, e.g. 'Tokenizer'. */
  node: string;
  /** A parameter set to the huge value; '@item' = the item's text fields; '@call' = a sub-node's method. */
  param: string;
  /** For sub-nodes: the method called with the huge text (embedQuery, embedDocuments, invoke). */
  call?: string;
  /** Extra parameters for this case (e.g. which vectors an Embeddings sub-node uses). */
  parameters?: Record<string, unknown>;
}

export interface NodeCaseResult {
  /** ok: the hostile item produced output; item-error: it carries `error` (continueOnFail). */
  status: 'ok' | 'item-error' | 'thrown';
  message: string;
  messageLength: number;
  errorName: string;
  itemIndex?: number;
  /** What happened to the ordinary item beside it. */
  neighbour: 'ok' | 'item-error' | 'missing' | 'n/a';
  /** Milliseconds for the hostile item alone (after a warm-up run that loads the models). */
  hostileMs: number;
}

interface Property {
  name: string;
  type: string;
  default: unknown;
  options?: { value?: unknown }[];
}
interface NodeDescription {
  properties: Property[];
}

/** The node folder names listed in the package's n8n section. */
export function nodeNames(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE), 'utf8'));
  return (pkg.n8n.nodes as string[]).map((p) => p.split('/')[2]!);
}

export function loadNode(name: string): { description: NodeDescription; supplyData?: unknown } {
  const require = createRequire(PACKAGE);
  const mod = require(new URL(`dist/nodes/${name}/${name}.node.js`, PACKAGE).pathname);
  const Class = mod[name] ?? Object.values(mod)[0];
  return new Class();
}

/**
 * Parameters that make a node read the item's text and finish quickly on an ordinary item, so a
 * slow case means the huge value was the cause (GPT Train trains 200 steps on Tiny Shakespeare by
 * default).
 */
const QUICK: Record<string, Record<string, unknown>> = {
  GptTrain: { textSource: 'itemField', steps: 2, batchSize: 2, options: { sampleLength: 0 } },
};

/** Every case: each node's text parameters, its item fields, and the sub-nodes' calls. */
export function nodeCases(): NodeCase[] {
  const cases: NodeCase[] = [];
  for (const node of nodeNames()) {
    const n = loadNode(node);
    if (typeof n.supplyData === 'function') {
      if (node === 'EmbeddingsFirth') {
        const vectors = n.description.properties.find((p) => p.name === 'vectors')?.options ?? [];
        for (const v of vectors)
          for (const call of ['embedQuery', 'embedDocuments'])
            cases.push({ node, param: '@call', call, parameters: { vectors: v.value } });
      } else cases.push({ node, param: '@call', call: 'invoke' });
      continue;
    }
    const quick = QUICK[node] ? { parameters: QUICK[node] } : {};
    cases.push({ node, param: '@item', ...quick });
    for (const p of n.description.properties)
      if (p.type === 'string') cases.push({ node, param: p.name, ...quick });
  }
  return cases;
}

/** '10 MB' of words: what a careless expression or a pasted file puts into a field. */
export const HUGE_TEXT_BYTES = 10_000_000;
export const hugeText = () => 'word '.repeat(HUGE_TEXT_BYTES / 5);
