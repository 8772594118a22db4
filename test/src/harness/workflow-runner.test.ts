/**
 * The tier-2 runner itself, on a workflow of n8n's own nodes only (no build needed): expressions,
 * `$('Node').first()`, binary data, and how node errors come back.
 */
import { readFileSync } from 'node:fs';
import type { INode } from 'n8n-workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeTypes, type NodeTypeRegistry } from './node-types.js';
import { runWorkflow, type WorkflowJson } from './workflow-runner.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/edit-fields-split-out.json', import.meta.url), 'utf8'),
) as WorkflowJson;

/** A deep copy of the fixture with one node's parameters or settings changed. */
function withNode(name: string, change: (node: INode) => void): WorkflowJson {
  const copy = structuredClone(fixture);
  const node = copy.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name}`);
  change(node);
  return copy;
}

/** The fixture's truth table with row 2's x2 set to the string "abc". */
function badRow(node: INode): void {
  const table = JSON.parse(node.parameters.jsonOutput as string) as { rows: Array<Record<string, unknown>> };
  table.rows[2]!.x2 = 'abc';
  node.parameters.jsonOutput = JSON.stringify(table);
}

let nodeTypes: NodeTypeRegistry;
beforeAll(async () => {
  nodeTypes = await createNodeTypes({ communityPackages: [] });
});

describe('runWorkflow (n8n-nodes-base only)', () => {
  it('runs every node in order and evaluates expressions, $json and $("Node").first()', async () => {
    const run = await runWorkflow(fixture, { nodeTypes });

    expect(run.status).toBe('success');
    expect(run.errors).toEqual([]);
    expect(run.order).toEqual(fixture.nodes.map((n) => n.name));
    expect(run.json('Split Out')).toEqual([
      { x1: 0, x2: 0 },
      { x1: 0, x2: 1 },
      { x1: 1, x2: 0 },
      { x1: 1, x2: 1 },
    ]);
    // z = x1 + x2 - bias, bias read from another node with $('Truth table').first()
    expect(run.json('Weighted sum')).toEqual([
      { x1: 0, x2: 0, z: -0.5, and: 0 },
      { x1: 0, x2: 1, z: 0.5, and: 0 },
      { x1: 1, x2: 0, z: 0.5, and: 0 },
      { x1: 1, x2: 1, z: 1.5, and: 1 },
    ]);
  });

  it('returns binary data kept in memory (base64), as n8n without a binary store does', async () => {
    const run = await runWorkflow(fixture, { nodeTypes });
    const [file] = run.binary('No Operation, do nothing');

    expect(file?.data?.mimeType).toBe('application/json');
    expect(JSON.parse(Buffer.from(file!.data!.data, 'base64').toString('utf8'))).toEqual(
      run.json('Weighted sum'),
    );
  });

  it("reports a node error with the node's name and the item index, and stops there", async () => {
    const run = await runWorkflow(withNode('Truth table', badRow), { nodeTypes });

    expect(run.status).toBe('error');
    expect(run.errors).toHaveLength(1);
    expect(run.error).toMatchObject({ nodeName: 'Weighted sum', itemIndex: 2 });
    expect(run.nodes['Weighted sum']?.error?.message).toMatch(/x2.*number/);
    expect(run.nodes['Convert to File']).toBeUndefined();
  });

  it('with onError: continueRegularOutput, completes and puts the error in the output item', async () => {
    const workflow = withNode('Truth table', badRow);
    workflow.nodes.find((n) => n.name === 'Weighted sum')!.onError = 'continueRegularOutput';
    const run = await runWorkflow(workflow, { nodeTypes });

    expect(run.status).toBe('success');
    expect(run.errors).toEqual([]);
    const items = run.json('Weighted sum');
    expect(items[1]).toEqual({ x1: 0, x2: 1, z: 0.5, and: 0 });
    expect(items[2]?.error).toMatch(/x2.*number/);
    expect(run.order.at(-1)).toBe('No Operation, do nothing');
  });

  it('names a node that did not run', async () => {
    const run = await runWorkflow(fixture, { nodeTypes, destinationNode: 'Split Out' });

    expect(run.order).toEqual(fixture.nodes.slice(0, 3).map((n) => n.name));
    expect(() => run.json('Weighted sum')).toThrow(/did not run/);
  });
});
