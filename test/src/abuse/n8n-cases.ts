/**
 * The cases of the n8n abuse suite: every Firth node, built as n8n loads it (the CommonJS bundles
 * in packages/n8n-nodes-firth/dist), fed a 10 MB value in each of its text parameters and in the
 * item fields nodes read, next to an ordinary item.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { KeyedVectors } from '@firth/embeddings';

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
  Word2VecTrain: { corpus: 'field', epochs: 1 },
  GloVeTrain: { corpus: 'field', epochs: 1 },
};

/**
 * Cases whose huge value is the node's own text input: they must be refused on the item, with a
 * message naming the size limit (a node that quietly processed 10 MB would pass the time check on a
 * fast machine and still stall a busy worker).
 */
export const MUST_REFUSE = [
  'RecurrentTextGenerator prompt',
  'Tokenizer text',
  'TokenizerPlayground text',
  'TransformerGenerate prompt',
  'Generate prompt',
  'Sentiment text',
  'PipelineFirth text',
  'PipelineFirth model',
  'ContextualEmbeddings word',
  'ContextualEmbeddings sentenceA',
  'ContextualEmbeddings sentenceB',
  'GptTrain @item',
  'Word2VecTrain @item',
  'GloVeTrain @item',
  'TextVectorizer @item',
  'RagAnswer @item',
  'RagAnswer question',
  'VectorStoreFirth @item',
  'LmChatFirth @call invoke',
  'RetrieverFirth @call invoke',
  'EmbeddingsFirth @call embedQuery',
  'EmbeddingsFirth @call embedDocuments',
];
/** How a size refusal reads (checkTextLength in @firth/numeric). */
export const SIZE_REFUSAL = /has \d+ characters; at most \d+ are accepted/;

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
            cases.push({
              node,
              param: '@call',
              call,
              // the 'model' source: word vectors from a Train step, here two words of two dimensions
              parameters: { vectors: v.value, ...(v.value === 'model' ? { model: TRAINED } : {}) },
            });
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

/** A Word2Vec Train step's "model" output, as small as it gets. */
const TRAINED = { wv: new KeyedVectors(['cat', 'dog'], new Float32Array([1, 0, 0, 1]), 2).toJSON() };

/** '10 MB' of words: what a careless expression or a pasted file puts into a field. */
export const HUGE_TEXT_BYTES = 10_000_000;
export const hugeText = () => 'word '.repeat(HUGE_TEXT_BYTES / 5);
