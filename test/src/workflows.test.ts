/**
 * Tier 2: every workflow in `workflows/` replayed in-process through n8n's engine (n8n-core
 * `WorkflowExecute`), with n8n's real nodes and our BUILT community-node bundle, asserting the
 * course's numbers. The same JSON files are what users import into n8n.
 *
 * A new `workflows/*.json` is picked up by the generic checks (it parses, every node type exists
 * in the version used, it runs without node errors) and fails the "pins its numbers" check until
 * it has an entry in `expectations` (src/workflow-expectations.ts), which tier 3 (n8n.int.test.ts)
 * replays on the real n8n's output too.
 *
 * Starts Firth's model server (@firth/server) on a free port with a random key, as tier 3 does, and
 * points the Firth nodes at it (FIRTH_SERVER_URL, FIRTH_SERVER_KEY): the LLM workflows without a
 * credential run against it, never the internet.
 *
 * Needs `packages/n8n-nodes-firth/dist` (turbo's `test` task builds it first; by hand:
 * `pnpm --filter n8n-nodes-firth... build`).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createFirthServer, type FirthServer } from '@firth/server';
import type { INode } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTypes, type NodeTypeRegistry, repoRoot } from './harness/node-types.js';
import { runWorkflow, type WorkflowJson, type WorkflowRunResult } from './harness/workflow-runner.js';
import { expectations, tier3Only, useFirthServer } from './workflow-expectations.js';

const workflowsDir = path.join(repoRoot, 'workflows');
const workflowFiles = readdirSync(workflowsDir)
  .filter((file) => file.endsWith('.json'))
  .sort();

function readWorkflow(file: string): WorkflowJson {
  return JSON.parse(readFileSync(path.join(workflowsDir, file), 'utf8')) as WorkflowJson;
}

/** A Firth node's generated AI-tool type (`n8n-nodes-firth.sentimentTool`), which only the real n8n registers. */
const isToolVariant = (type: string) =>
  type.startsWith('n8n-nodes-firth.') && type.endsWith('Tool') && !nodeTypes.has(type);

/** A Chat Trigger in a workflow that also has a manual trigger: not run by "Execute workflow". */
const isChatTriggerBesideManual = (node: INode, workflow: WorkflowJson) =>
  node.type === '@n8n/n8n-nodes-langchain.chatTrigger' &&
  workflow.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger');

/** Nodes that are notes on the canvas, never executed. */
const isStickyNote = (node: INode) => node.type === 'n8n-nodes-base.stickyNote';

// ---------------------------------------------------------------------------------------------

let nodeTypes: NodeTypeRegistry;
let server: FirthServer | undefined;
beforeAll(async () => {
  // Firth's model server on a free port with a random key: the Firth nodes without a credential
  // (groq-chat, local-chat, prompt-few-shot) find it through FIRTH_SERVER_URL / FIRTH_SERVER_KEY
  const apiKey = `firth-t2-${randomBytes(9).toString('base64url')}`;
  server = await createFirthServer({ port: 0, apiKey });
  process.env.FIRTH_SERVER_URL = server.url;
  process.env.FIRTH_SERVER_KEY = apiKey;
  useFirthServer({ url: server.url, apiKey });
  nodeTypes = await createNodeTypes();
});

afterAll(async () => {
  delete process.env.FIRTH_SERVER_URL;
  delete process.env.FIRTH_SERVER_KEY;
  await server?.close();
});

/** One run per workflow file, shared by the checks below. */
const runs = new Map<string, Promise<WorkflowRunResult>>();
function runOf(file: string): Promise<WorkflowRunResult> {
  if (!runs.has(file)) runs.set(file, runWorkflow(readWorkflow(file), { nodeTypes }));
  return runs.get(file)!;
}

describe.each(workflowFiles)('workflows/%s', (file) => {
  it('parses as an n8n workflow', () => {
    const workflow = readWorkflow(file);
    expect(workflow.nodes).toBeInstanceOf(Array);
    expect(workflow.nodes.length).toBeGreaterThan(0);
    expect(workflow.connections).toBeTypeOf('object');
    // the real n8n imports any id, but its execute-batch skips ids without a digit
    expect((workflow as { id?: string }).id, 'workflow id (letters and digits, at least one digit)').toMatch(
      /^(?=.*\d)[A-Za-z0-9]+$/,
    );
    const names = workflow.nodes.map((n) => n.name);
    expect(new Set(names).size, 'node names are unique').toBe(names.length);
    for (const [from, outputs] of Object.entries(workflow.connections)) {
      expect(names, `connection from "${from}"`).toContain(from);
      for (const connection of Object.values(outputs).flat(2)) {
        expect(names, `connection from "${from}"`).toContain(connection?.node);
      }
    }
  });

  it('uses only registered node types, in versions they have', () => {
    for (const node of readWorkflow(file).nodes) {
      const hint = node.type.startsWith('@n8n/n8n-nodes-langchain.')
        ? " (n8n's AI nodes come from the n8n runtime: source scripts/lib/n8n-runtime.sh && firth_ensure_n8n)"
        : '';
      // `<node>Tool`: the AI-tool variant n8n generates for a node marked usableAsTool
      const type = isToolVariant(node.type) ? node.type.slice(0, -'Tool'.length) : node.type;
      expect(nodeTypes.has(type), `${node.name}: ${node.type}${hint}`).toBe(true);
      const { version, usableAsTool } = nodeTypes.getByNameAndVersion(type, node.typeVersion).description;
      expect([version].flat(), `${node.name}: ${node.type} v${node.typeVersion}`).toContain(node.typeVersion);
      if (type !== node.type) expect(usableAsTool, `${node.name}: ${type} is usable as a tool`).toBeTruthy();
    }
  });

  it('runs without node errors, every node on the canvas', async ({ skip }) => {
    // tier3Only: checked above, run only by the real n8n (n8n.int.test.ts), which has what they need
    skip(file in tier3Only, tier3Only[file]);
    const workflow = readWorkflow(file);
    const run = await runOf(file);

    expect(run.errors).toEqual([]);
    expect(run.status).toBe('success');
    // sub-nodes (embeddings, loaders) have no execute hook: they show in the run data, once per
    // call of their parent; each node is listed once here. A Chat Trigger beside the manual trigger
    // is what the editor's "Open chat" starts: a manual run starts at the manual trigger.
    expect([...new Set([...run.order, ...Object.keys(run.nodes)])].sort()).toEqual(
      workflow.nodes
        .filter((n) => !isStickyNote(n) && !n.disabled && !isChatTriggerBesideManual(n, workflow))
        .map((n) => n.name)
        .sort(),
    );
  }, 180_000);

  it('pins its numbers', async ({ skip }) => {
    skip(file in tier3Only, tier3Only[file]);
    const check = expectations[file];
    expect(
      check,
      `add an entry for ${file} to \`expectations\` in test/src/workflow-expectations.ts`,
    ).toBeDefined();
    await check?.(await runOf(file));
  }, 180_000);
});

describe('workflows/scale/embeddings-into-pgvector-qdrant.json (not run: no PGVector or Qdrant offline)', () => {
  const workflow = JSON.parse(
    readFileSync(path.join(workflowsDir, 'scale', 'embeddings-into-pgvector-qdrant.json'), 'utf8'),
  ) as WorkflowJson;

  it("uses n8n's PGVector and Qdrant store nodes in versions they have, with every parameter they read", () => {
    for (const node of workflow.nodes) {
      expect(nodeTypes.has(node.type), node.type).toBe(true);
      const { version, properties } = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
      expect([version].flat(), `${node.name} v${node.typeVersion}`).toContain(node.typeVersion);
      const known = new Set(properties.map((p) => p.name));
      for (const name of Object.keys(node.parameters))
        expect(known.has(name), `${node.name}: ${name}`).toBe(true);
    }
    const types = workflow.nodes.map((n) => n.type);
    expect(types).toContain('@n8n/n8n-nodes-langchain.vectorStorePGVector');
    expect(types).toContain('@n8n/n8n-nodes-langchain.vectorStoreQdrant');
  });

  it('feeds both stores from the one Embeddings Firth sub-node and the same documents', () => {
    const stores = ['Insert into Postgres PGVector', 'Insert into Qdrant'];
    const targets = (from: string, type: string) =>
      (workflow.connections[from]?.[type] ?? []).flat().map((c) => c?.node);
    expect(targets('Embeddings Firth', 'ai_embedding').sort()).toEqual(stores.sort());
    expect(targets('Default Data Loader', 'ai_document').sort()).toEqual(stores.sort());
    expect(targets('One item per document', 'main').sort()).toEqual(stores.sort());
    for (const name of stores)
      expect(workflow.nodes.find((n) => n.name === name)?.parameters.mode, name).toBe('insert');
  });
});

describe('perceptron-and-gate.json with a bad feature value', () => {
  /** The lesson's workflow with row 2's x2 set to the string "abc". */
  function withBadRow(onError?: INode['onError']): WorkflowJson {
    const workflow = readWorkflow('perceptron-and-gate.json');
    for (const node of workflow.nodes) {
      if (node.name === 'AND truth table') {
        const table = JSON.parse(node.parameters.jsonOutput as string) as {
          rows: Array<Record<string, unknown>>;
        };
        table.rows[2]!.x2 = 'abc';
        node.parameters.jsonOutput = JSON.stringify(table);
      }
      if (onError && node.type === 'n8n-nodes-firth.perceptron') node.onError = onError;
    }
    return workflow;
  }

  it("stops at the first Perceptron and reports the node's name and the item index", async () => {
    const run = await runWorkflow(withBadRow(), { nodeTypes });

    expect(run.status).toBe('error');
    expect(run.errors).toHaveLength(1);
    expect(run.error).toMatchObject({ nodeName: 'Perceptron (course rule)', itemIndex: 2 });
    expect(run.error?.message).toContain('Item 2: field "x2" must be a number, got the string "abc"');
    expect(run.nodes['Perceptron (scikit-learn)']).toBeUndefined();
  });

  it('with onError: continueRegularOutput, completes and puts the error in the output item', async () => {
    const run = await runWorkflow(withBadRow('continueRegularOutput'), { nodeTypes });

    expect(run.status).toBe('success');
    expect(run.errors).toEqual([]);
    for (const node of ['Perceptron (course rule)', 'Perceptron (scikit-learn)']) {
      const [item] = run.json(node);
      expect(item, node).toMatchObject({ itemIndex: 2 });
      expect(item?.error, node).toContain('Item 2: field "x2" must be a number, got the string "abc"');
    }
    // Predict AND has no model to use (training failed): each item carries its own error.
    const predictions = run.json('Predict AND');
    expect(predictions).toHaveLength(4);
    for (const item of predictions) expect(item.error).toBeTypeOf('string');
  });
});
