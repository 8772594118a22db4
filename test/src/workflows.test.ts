/**
 * Tier 2: every workflow in `workflows/` replayed in-process through n8n's engine (n8n-core
 * `WorkflowExecute`), with n8n's real nodes and our BUILT community-node bundle, asserting the
 * course's numbers. The same JSON files are what users import into n8n.
 *
 * A new `workflows/*.json` is picked up by the generic checks (it parses, every node type exists
 * in the version used, it runs without node errors) and fails the "pins its numbers" check until
 * it has an entry in `expectations` below.
 *
 * Needs `packages/n8n-nodes-firth/dist` (turbo's `test` task builds it first; by hand:
 * `pnpm --filter n8n-nodes-firth... build`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { INode } from 'n8n-workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeTypes, type NodeTypeRegistry, repoRoot } from './harness/node-types.js';
import { runWorkflow, type WorkflowJson, type WorkflowRunResult } from './harness/workflow-runner.js';

const workflowsDir = path.join(repoRoot, 'workflows');
const workflowFiles = readdirSync(workflowsDir)
  .filter((file) => file.endsWith('.json'))
  .sort();

function readWorkflow(file: string): WorkflowJson {
  return JSON.parse(readFileSync(path.join(workflowsDir, file), 'utf8')) as WorkflowJson;
}

/** Nodes that are notes on the canvas, never executed. */
const isStickyNote = (node: INode) => node.type === 'n8n-nodes-base.stickyNote';

/** Deep comparison where every number is compared with toBeCloseTo(…, 9). */
function expectClose(actual: unknown, expected: unknown, where = 'value'): void {
  if (typeof expected === 'number') {
    expect(actual, where).toBeTypeOf('number');
    expect(actual as number, where).toBeCloseTo(expected, 9);
  } else if (Array.isArray(expected)) {
    expect(actual, where).toBeInstanceOf(Array);
    expect((actual as unknown[]).length, `${where}.length`).toBe(expected.length);
    for (const [i, e] of expected.entries()) expectClose((actual as unknown[])[i], e, `${where}[${i}]`);
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual, where).toBeTypeOf('object');
    for (const [key, e] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], e, `${where}.${key}`);
    }
  } else {
    expect(actual, where).toEqual(expected);
  }
}

// ---------------------------------------------------------------------------------------------
// Per-workflow value assertions: the numbers of the lesson each workflow replays.
// ---------------------------------------------------------------------------------------------

/**
 * "Step-by-Step Hand Calculation for AND Gate": η = 0.1, w = [0.3, −0.1], b = 0.2,
 * w ← w + η·error·x, b ← b + η·error, rows in order. The first six steps of the trace.
 */
const andGateCourseTrace = [
  //   epoch, index, inputs, z, output, target, error, weights after, bias after
  step(1, 0, [0, 0], 0.2, 1, 0, -1, [0.3, -0.1], 0.1),
  step(1, 1, [0, 1], 0, 1, 0, -1, [0.3, -0.2], 0),
  step(1, 2, [1, 0], 0.3, 1, 0, -1, [0.2, -0.2], -0.1),
  step(1, 3, [1, 1], -0.1, 0, 1, 1, [0.3, -0.1], 0),
  step(2, 0, [0, 0], 0, 1, 0, -1, [0.3, -0.1], -0.1),
  step(2, 1, [0, 1], -0.2, 0, 0, 0, [0.3, -0.1], -0.1),
];

/** One row of the hand calculation, named as the node's `trace` names it. */
function step(
  epoch: number,
  index: number,
  inputs: number[],
  z: number,
  output: number,
  target: number,
  error: number,
  weights: number[],
  bias: number,
) {
  return { epoch, index, inputs, z, output, target, error, weights, bias };
}

/** `workflow file → assertions on its run`. Every workflow needs one (see the generic checks). */
const expectations: Record<string, (run: WorkflowRunResult) => void> = {
  'perceptron-and-gate.json': (run) => {
    const [course] = run.json('Perceptron (course rule)');
    expectClose(
      ((course?.trace ?? []) as unknown[]).slice(0, andGateCourseTrace.length),
      andGateCourseTrace,
      'trace',
    );
    expect(course).toMatchObject({
      rule: 'course',
      converged: true,
      accuracy: 1,
      featureNames: ['x1', 'x2'],
    });
    expect(course?.predictions).toEqual([0, 0, 0, 1]);

    // The course's Python cell: Perceptron(max_iter=100, eta0=0.1, random_state=42)
    const [sklearn] = run.json('Perceptron (scikit-learn)');
    expectClose(sklearn?.coef, [[0.2, 0.2]], 'coef');
    expectClose(sklearn?.intercept, [-0.2], 'intercept');
    expect(sklearn?.predictions).toEqual([0, 0, 0, 1]);

    // Predict AND: the scikit-learn model, read with $('Perceptron (scikit-learn)').first()
    expect(run.json('Predict AND').map((item) => item.prediction)).toEqual([0, 0, 0, 1]);

    // Both trainings attach the decision boundary as an SVG
    for (const node of ['Perceptron (course rule)', 'Perceptron (scikit-learn)']) {
      const plot = run.binary(node)[0]?.plot;
      expect(plot?.mimeType, node).toBe('image/svg+xml');
      expect(Buffer.from(plot?.data ?? '', 'base64').toString('utf8'), node).toMatch(/^<svg[\s>]/);
    }
  },
};

// ---------------------------------------------------------------------------------------------

let nodeTypes: NodeTypeRegistry;
beforeAll(async () => {
  nodeTypes = await createNodeTypes();
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
      expect(nodeTypes.has(node.type), `${node.name}: ${node.type}`).toBe(true);
      const { version } = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
      expect([version].flat(), `${node.name}: ${node.type} v${node.typeVersion}`).toContain(node.typeVersion);
    }
  });

  it('runs without node errors, every node on the canvas', async () => {
    const workflow = readWorkflow(file);
    const run = await runOf(file);

    expect(run.errors).toEqual([]);
    expect(run.status).toBe('success');
    expect([...run.order].sort()).toEqual(
      workflow.nodes
        .filter((n) => !isStickyNote(n) && !n.disabled)
        .map((n) => n.name)
        .sort(),
    );
  });

  it('pins its numbers', async () => {
    const check = expectations[file];
    expect(check, `add an entry for ${file} to \`expectations\` in test/src/workflows.test.ts`).toBeDefined();
    check?.(await runOf(file));
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
