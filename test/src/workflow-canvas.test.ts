/**
 * The course path and the canvas a learner opens, from the workflow JSON alone (no n8n needed):
 *
 * - every lesson workflow in `workflows/` is named `NN · …`, numbered 01 … N without a gap, in the
 *   course's order (what `start` lists and n8n's list shows first);
 * - each has a sticky note headed with its name that names the nodes to open, and ends with the
 *   next lesson's name (the last lesson names none);
 * - nothing overlaps on the canvas: nodes, the labels under them and sticky notes (n8n's sizes,
 *   harness/canvas.ts, with each node's ports read from its type as the editor does — the tier-2
 *   node registry, so it needs the built n8n-nodes-firth and, for n8n's AI nodes, the n8n runtime),
 *   and every sub-node sits under its parent. `workflows/scale/` too, which is not a numbered lesson
 *   (`start` does not import it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inCourseOrder, lessonNumber } from '@firth/n8n-host';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CanvasNode,
  type CanvasWorkflow,
  canvasBoxes,
  isStickyNote,
  misplacedSubNodes,
  overlaps,
  portsFromTypes,
  snapToGrid,
} from './harness/canvas.js';
import { createNodeTypes, type NodeTypeRegistry, repoRoot } from './harness/node-types.js';

interface WorkflowFile extends CanvasWorkflow {
  name: string;
  file: string;
}

function readWorkflows(dir: string): WorkflowFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      ...(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CanvasWorkflow & { name: string }),
      file: path.relative(repoRoot, path.join(dir, f)),
    }));
}

const workflowsDir = path.join(repoRoot, 'workflows');
const lessons = inCourseOrder(readWorkflows(workflowsDir));
const scale = readWorkflows(path.join(workflowsDir, 'scale'));

let nodeTypes: NodeTypeRegistry;
beforeAll(async () => {
  nodeTypes = await createNodeTypes();
});

const notesOf = (workflow: CanvasWorkflow) =>
  workflow.nodes.filter(isStickyNote).map((n) => String(n.parameters?.['content'] ?? ''));

describe('the course path through workflows/', () => {
  it('numbers every lesson 01 … N in course order, without a gap', () => {
    expect(lessons.length).toBeGreaterThan(0);
    for (const [i, workflow] of lessons.entries()) {
      expect(lessonNumber(workflow.name), `${workflow.file}: "${workflow.name}" starts with "NN · "`).toBe(
        i + 1,
      );
    }
  });

  describe.each(lessons.map((w, i) => [w.name, w, lessons[i + 1]] as const))('%s', (name, workflow, next) => {
    const note = notesOf(workflow).find((content) => content.startsWith(`## ${name}\n`));

    it('has a sticky note headed with its name', () => {
      expect(note, `${workflow.file}: a sticky note starting "## ${name}"`).toBeDefined();
    });

    it('says which nodes to look at, by their names', () => {
      const bold = [...(note ?? '').matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]);
      const nodes = new Set(workflow.nodes.filter((n) => !isStickyNote(n)).map((n) => n.name));
      expect(bold.filter((b) => b !== undefined && nodes.has(b)).length, workflow.file).toBeGreaterThan(0);
      expect(note, workflow.file).toMatch(/\*\*Look at\*\*/);
    });

    it(next ? `ends with the next lesson, "${next.name}"` : 'is the last lesson and says so', () => {
      const nextLines = (note ?? '').split('\n').filter((line) => line.startsWith('**Next:**'));
      if (next) expect(nextLines, workflow.file).toEqual([`**Next:** ${next.name}`]);
      else expect(nextLines, workflow.file).toEqual([]);
    });
  });
});

describe.each([...lessons, ...scale].map((w) => [w.file, w] as const))('the canvas of %s', (_, workflow) => {
  it('has nothing overlapping: nodes, their labels, sticky notes', () => {
    expect(overlaps(workflow, portsFromTypes(workflow, nodeTypes))).toEqual([]);
  });

  it('puts every sub-node under its parent', () => {
    expect(misplacedSubNodes(workflow, portsFromTypes(workflow, nodeTypes))).toEqual([]);
  });
});

describe('the canvas geometry (harness/canvas.ts)', () => {
  const node = (name: string, x: number, y: number, type = 'n8n-nodes-base.set'): CanvasNode => ({
    name,
    type,
    position: [x, y],
    parameters: {},
  });
  const sticky = (x: number, y: number, width?: number, height?: number): CanvasNode => ({
    name: 'Sticky Note',
    type: 'n8n-nodes-base.stickyNote',
    position: [x, y],
    parameters: { content: '## x', ...(width ? { width } : {}), ...(height ? { height } : {}) },
  });
  const ai = (from: string, type: string, to: string) => ({
    [from]: { [type]: [[{ node: to, type, index: 0 }]] },
  });

  it("snaps positions as n8n's editor does", () => {
    expect([700, -40, 16, 8, -8].map(snapToGrid)).toEqual([704, -48, 16, 16, -16]);
  });

  it('sizes nodes, sub-nodes, nodes with AI inputs and sticky notes as n8n draws them', () => {
    const workflow: CanvasWorkflow = {
      nodes: [
        node('Set', 0, 0),
        node('Agent', 224, 0),
        node('Model', 224, 256),
        node('Retriever', 480, 256),
        node('Embeddings', 480, 512),
        sticky(0, -400, 480),
      ],
      connections: {
        ...ai('Model', 'ai_languageModel', 'Agent'),
        ...ai('Retriever', 'ai_retriever', 'Agent'),
        ...ai('Embeddings', 'ai_embedding', 'Retriever'),
      },
    };
    const size = (name: string, kind = 'node') =>
      canvasBoxes(workflow)
        .filter((b) => b.name === name && b.kind === kind)
        .map((b) => [b.x, b.y, b.width, b.height]);
    expect(size('Set')).toEqual([[0, 0, 96, 96]]);
    expect(size('Set', 'label')).toEqual([[-48, 96, 192, 64]]);
    expect(size('Agent')).toEqual([[224, 0, 224, 96]]);
    expect(size('Agent', 'label')).toEqual([]);
    expect(size('Model')).toEqual([[224, 256, 80, 80]]);
    expect(size('Retriever')).toEqual([[480, 256, 240, 80]]);
    expect(size('Sticky Note', 'sticky')).toEqual([[0, -400, 480, 160]]);
  });

  it('finds nodes in a row too close for their labels, and a sticky note over a node', () => {
    const workflow: CanvasWorkflow = {
      nodes: [node('A', 0, 0), node('B', 160, 0), node('C', 448, 0), sticky(432, -100, 240, 120)],
      connections: {},
    };
    expect(overlaps(workflow)).toEqual([
      'label "A" overlaps label "B"',
      'node "C" overlaps sticky "Sticky Note"',
    ]);
    workflow.nodes[1]!.position = [224, 0];
    workflow.nodes[3]!.position = [432, -140];
    expect(overlaps(workflow)).toEqual([]);
  });

  it('finds a sub-node beside or above its parent', () => {
    const workflow: CanvasWorkflow = {
      nodes: [node('Chain', 0, 0), node('Model', 600, 0)],
      connections: ai('Model', 'ai_languageModel', 'Chain'),
    };
    expect(misplacedSubNodes(workflow)).toEqual([
      'sub-node "Model" is not below "Chain"',
      'sub-node "Model" is not under "Chain"',
    ]);
    workflow.nodes[1]!.position = [0, 256];
    expect(misplacedSubNodes(workflow)).toEqual([]);
  });
});
