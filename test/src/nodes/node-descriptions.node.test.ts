/**
 * Every node of n8n-nodes-firth (package.json `n8n.nodes`) as n8n's editor shows it: findable in the
 * node panel, placed in the categories n8n users open, with its own icon, and number parameters
 * that read as typed.
 *
 * How n8n 2.41's node panel works (packages/frontend/editor-ui …/nodeCreator): the search matches
 * `displayName` and `codex.alias` only; the trigger view and the "What happens next?" view drop every
 * node whose codex category is "AI" unless its AI subcategories include "Root Nodes" (n8n's own chat
 * models carry it for that reason); the AI panel lists AI subcategories; "Data transformation" lists
 * the nodes with subcategory "Core Nodes" › "Data Transformation". The codex is read from the node's
 * `X.node.json` (the description carries none, so that file is the one source).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { firthNodesDir } from '../harness/node-types.js';

/** The course's lessons (its section titles), and the short form each node's aliases carry. */
const LESSONS: Record<string, string> = {
  'Introduction to Neural Networks': 'Neural Networks',
  'Introduction to Word Embeddings': 'Word Embeddings',
  'Introduction to Deep Neural Networks': 'Deep Neural Networks',
  'Contextual Word Embeddings (BERT and GPT)': 'BERT and GPT',
  'Introduction to Hugging Face': 'Hugging Face',
  'Introduction to Large Language Models': 'Large Language Models',
  'Retrieval Augmented Generation (RAG)': 'Retrieval Augmented Generation',
  'Agentic AI': 'Agentic AI',
};

/**
 * AI subcategories as n8n's editor shows them (viewsData.ts: the AI panel's Agents and Chains, the
 * "Other AI nodes" subcategories, and the "Root Nodes" marker), with the second level its own
 * nodes use (`'Language Models': ['Chat Models (Recommended)']`).
 */
const AI_SUBCATEGORIES: Record<string, string[]> = {
  AI: [
    'Agents',
    'Chains',
    'Document Loaders',
    'Embeddings',
    'Language Models',
    'Memory',
    'Miscellaneous',
    'Output Parsers',
    'Retrievers',
    'Root Nodes',
    'Text Splitters',
    'Tools',
    'Vector Stores',
  ],
  'Language Models': ['Chat Models (Recommended)', 'Text Completion Models'],
  'Vector Stores': ['For Beginners', 'Other Vector Stores'],
  Tools: ['Other Tools', 'Recommended Tools'],
};

/** A sub-node's output and the AI subcategory n8n lists it under. */
const SUB_NODE_SUBCATEGORY: Record<string, string> = {
  ai_embedding: 'Embeddings',
  ai_languageModel: 'Language Models',
  ai_retriever: 'Retrievers',
  ai_vectorStore: 'Vector Stores',
  ai_tool: 'Tools',
};

interface Codex {
  node: string;
  categories: string[];
  subcategories: Record<string, string[]>;
  alias: string[];
  resources: { primaryDocumentation: Array<{ url: string }> };
}

interface FirthNode {
  /** `Perceptron`: the folder under nodes/. */
  folder: string;
  description: INodeTypeDescription;
  codex: Codex;
}

const packageJson = JSON.parse(readFileSync(path.join(firthNodesDir, 'package.json'), 'utf8')) as {
  n8n: { nodes: string[] };
};
/** `dist/nodes/Perceptron/Perceptron.node.js` → `nodes/Perceptron/Perceptron.node.ts` (build.mjs's map). */
const sources = packageJson.n8n.nodes.map((dist) =>
  path.join(firthNodesDir, dist.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
);

/** Categories and `category › subcategory` pairs that n8n's own nodes (n8n-nodes-base) use. */
function n8nBaseCodexVocabulary(): { categories: Set<string>; pairs: Set<string> } {
  const require = createRequire(import.meta.url);
  const base = path.dirname(require.resolve('n8n-nodes-base/package.json'));
  const { nodes } = (
    JSON.parse(readFileSync(path.join(base, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } }
  ).n8n;
  const categories = new Set<string>();
  const pairs = new Set<string>();
  for (const js of nodes) {
    let codex: Partial<Codex>;
    try {
      codex = JSON.parse(readFileSync(path.join(base, `${js}on`), 'utf8')) as Partial<Codex>;
    } catch {
      continue; // nodes without a codex file
    }
    for (const c of codex.categories ?? []) categories.add(c);
    if (codex.subcategories && !Array.isArray(codex.subcategories))
      for (const [c, list] of Object.entries(codex.subcategories))
        for (const s of list) pairs.add(`${c} › ${s}`);
  }
  return { categories, pairs };
}

let nodes: FirthNode[];
beforeAll(async () => {
  nodes = await Promise.all(
    sources.map(async (file) => {
      // each file exports its node class under the folder's name (`export class Perceptron`)
      const folder = path.basename(path.dirname(file));
      const NodeClass = ((await import(file)) as Record<string, new () => INodeType>)[folder];
      const codex = JSON.parse(readFileSync(file.replace(/\.ts$/, '.json'), 'utf8')) as Codex;
      return { folder, description: new NodeClass!().description, codex };
    }),
  );
}, 120_000);

describe('the nodes of package.json n8n.nodes', () => {
  it('are the 25 node folders, each with its codex file', () => {
    expect(nodes).toHaveLength(25);
    for (const { folder, description, codex } of nodes) {
      expect(codex.node, folder).toBe(`n8n-nodes-firth.${description.name}`);
      // one source: n8n reads X.node.json only when the description has no codex
      expect(description.codex, folder).toBeUndefined();
      expect(codex.resources.primaryDocumentation[0]?.url, folder).toMatch(
        /^https:\/\/github\.com\/firth-dev\/firth\/blob\/main\/packages\/n8n-nodes-firth\/README\.md#/,
      );
    }
  });

  it('carry "Firth" and their course lesson in their aliases, and name the lesson in their description', () => {
    for (const { folder, description, codex } of nodes) {
      expect(codex.alias, folder).toContain('Firth');
      const lessons = Object.entries(LESSONS).filter(([, short]) => codex.alias.includes(short));
      expect(lessons.length, `${folder}: a lesson among its aliases`).toBeGreaterThan(0);
      // the description ends with the lesson of the first lesson alias, in the course's words
      const [full] = lessons.sort(([, a], [, b]) => codex.alias.indexOf(a) - codex.alias.indexOf(b))[0]!;
      expect(
        description.description.endsWith(`. Lesson: ${full}`),
        `${folder}: ${description.description}`,
      ).toBe(true);
      // aliases are what the panel's fuzzy search matches: short, and no repeats
      const lower = codex.alias.map((a) => a.toLowerCase());
      expect(new Set(lower).size, `${folder}: aliases repeat`).toBe(lower.length);
      for (const a of codex.alias) expect(a.length, `${folder}: alias "${a}"`).toBeLessThanOrEqual(32);
    }
  });

  it("use categories and subcategories that n8n's own nodes use", () => {
    const base = n8nBaseCodexVocabulary();
    expect(base.pairs).toContain('Core Nodes › Data Transformation'); // the vocabulary was read
    for (const { folder, codex } of nodes) {
      expect(codex.categories.length, folder).toBeGreaterThan(0);
      for (const category of codex.categories)
        expect(category === 'AI' || base.categories.has(category), `${folder}: category ${category}`).toBe(
          true,
        );
      for (const [key, list] of Object.entries(codex.subcategories)) {
        const aiKey = key in AI_SUBCATEGORIES;
        if (key === 'AI' || !aiKey)
          expect(codex.categories, `${folder}: subcategories of ${key}`).toContain(key);
        else expect(codex.subcategories.AI, `${folder}: ${key}`).toContain(key);
        for (const sub of list) {
          const known = aiKey ? AI_SUBCATEGORIES[key]!.includes(sub) : base.pairs.has(`${key} › ${sub}`);
          expect(known, `${folder}: ${key} › ${sub}`).toBe(true);
        }
      }
      if (codex.categories.includes('AI')) expect(codex.subcategories.AI?.length, folder).toBeGreaterThan(0);
    }
  });

  it('place sub-nodes under the AI subcategory of their output, the rest in AI or in Data transformation', () => {
    for (const { folder, description, codex } of nodes) {
      const outputs = [description.outputs].flat().map((o) => (typeof o === 'string' ? o : o.type));
      const subNode = outputs.find((o) => o in SUB_NODE_SUBCATEGORY);
      if (subNode) {
        expect(codex.categories, folder).toEqual(['AI']);
        expect(codex.subcategories.AI?.[0], folder).toBe(SUB_NODE_SUBCATEGORY[subNode]);
      } else if (!codex.categories.includes('AI')) {
        expect(codex.categories, folder).toEqual(['Development', 'Core Nodes']);
        expect(codex.subcategories, folder).toEqual({ 'Core Nodes': ['Data Transformation'] });
      } else {
        // n8n's Data transformation panel drops AI-category nodes outside its named sections
        // (groupItemsInSections): an AI node listed there would not show
        expect(codex.categories, folder).toEqual(['AI']);
      }
    }
  });

  it('are all found by a search in the trigger view and in "What happens next?"', () => {
    // n8n drops AI-category nodes from those searches unless they are marked "Root Nodes"
    const hidden = nodes.filter(
      ({ codex }) => codex.categories.includes('AI') && !codex.subcategories.AI?.includes('Root Nodes'),
    );
    expect(hidden.map((n) => n.folder)).toEqual([]);
  });

  it('have their own light and dark SVG icons, a different drawing for every node', () => {
    const drawings = new Map<string, string>();
    for (const { folder, description } of nodes) {
      const icon = description.icon as { light: string; dark: string };
      expect(icon.light, folder).toMatch(/^file:[\w.]+\.svg$/);
      expect(icon.dark, folder).toMatch(/^file:[\w.]+\.dark\.svg$/);
      const read = (ref: string) =>
        readFileSync(path.join(firthNodesDir, 'nodes', folder, ref.slice('file:'.length)), 'utf8');
      const [light, dark] = [read(icon.light), read(icon.dark)];
      for (const svg of [light, dark]) {
        expect(svg, folder).toMatch(
          /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 60 60"/,
        );
        expect(svg.trimEnd(), folder).toMatch(/<\/svg>$/);
      }
      expect(dark, `${folder}: the dark icon differs from the light one`).not.toBe(light);
      // the same drawing under another <title> is the same look
      const drawing = light.replace(/<title>.*?<\/title>/, '').replace(/\s+/g, ' ');
      expect(drawings.get(drawing), `${folder} looks like ${drawings.get(drawing)}`).toBeUndefined();
      drawings.set(drawing, folder);
    }
  });

  it('show number parameters as typed (no numberPrecision, which pads 0.1 to "0.100000")', () => {
    // n8n's editor passes typeOptions.numberPrecision to its number input as `precision`: the value
    // is displayed with value.toFixed(precision) and what the user types is rounded to it
    const padded: string[] = [];
    const visit = (where: string, properties: readonly INodeProperties[]) => {
      for (const p of properties) {
        if (p.type === 'number' && p.typeOptions?.numberPrecision !== undefined)
          padded.push(`${where}: ${p.name} (${p.typeOptions.numberPrecision})`);
        for (const option of p.options ?? [])
          if ('values' in option) visit(`${where} › ${p.name}`, option.values);
          else if ('type' in option) visit(`${where} › ${p.name}`, [option as INodeProperties]);
      }
    };
    for (const { folder, description } of nodes) visit(folder, description.properties);
    expect(padded).toEqual([]);
  });
});
