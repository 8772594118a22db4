/**
 * Where n8n's editor (2.41) draws a workflow's nodes, their labels and its sticky notes, from the
 * workflow JSON alone, to check that nothing on a lesson's canvas overlaps.
 *
 * The sizes are the editor's (editor-ui `nodeViewUtils.ts` and the canvas node's size function):
 * - a node with AI inputs (agent, chain, vector store, RAG Answer, Firth Retriever) is "configurable":
 *   80 + 48·(max(4, AI ports) − 1) wide (+16 when it is also a sub-node), 96 high (80 as a sub-node),
 *   its label inside;
 * - a sub-node (AI output only: chat model, embeddings, tool, loader) is an 80 × 80 circle;
 * - any other node is 96 wide and 96 + 32·(main ports − 2, at least 0) high;
 * - a label under a node is twice the node's width, centred, and at most two lines plus a subtitle;
 * - a sticky note is `parameters.width` × `parameters.height` (240 × 160 by default);
 * - positions snap to the 16 px grid when the editor opens the workflow.
 *
 * The editor reads a node's ports from its type (`NodeHelpers.getNodeInputs/Outputs`, which also
 * evaluates the expressions some AI nodes use): `portsFromTypes` does the same with the tier-2 node
 * registry. Without one, `canvasBoxes` reads the ports from the connections (unit tests).
 */
import { createRequire } from 'node:module';
import type { INode, INodeTypes } from 'n8n-workflow';

// the CJS instance n8n's nodes use (see node-types.ts)
const require = createRequire(import.meta.url);
const { NodeHelpers, Workflow } = require('n8n-workflow') as typeof import('n8n-workflow');

export const GRID_SIZE = 16;
const STICKY_NOTE = 'n8n-nodes-base.stickyNote';
/** Room under a node for its label: margin, two lines of name and a subtitle line. */
const LABEL_HEIGHT = 64;

export interface CanvasNode {
  name: string;
  type: string;
  position: [number, number];
  parameters?: Record<string, unknown>;
}

export type Connections = Record<
  string,
  Record<string, ({ node: string; type: string; index: number } | null)[][] | undefined>
>;

export interface CanvasWorkflow {
  nodes: CanvasNode[];
  connections: Connections;
}

export interface Box {
  /** What is drawn there: a node, the label under it, or a sticky note. */
  kind: 'node' | 'label' | 'sticky';
  /** The node's name (a label's node). */
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The editor's snap: to the closest multiple of the grid size, as its `snapPositionToGrid`. */
export function snapToGrid(value: number): number {
  const quotient = Math.ceil(value / GRID_SIZE);
  const first = GRID_SIZE * quotient;
  const second = value * GRID_SIZE > 0 ? GRID_SIZE * (quotient + 1) : GRID_SIZE * (quotient - 1);
  return Math.abs(value - first) < Math.abs(value - second) ? first : second;
}

export const isStickyNote = (node: CanvasNode) => node.type === STICKY_NOTE;

/** A node's ports as the editor counts them for its size. */
export interface Ports {
  /** AI inputs (Chat Model, Tool, Embedding, …): the node has sub-nodes. */
  aiInputs: number;
  /** AI outputs: the node is a sub-node. */
  aiOutputs: number;
  mainInputs: number;
  mainOutputs: number;
}

/** A node's ports from the connections drawn to and from it. */
export function portsFromConnections(workflow: CanvasWorkflow): (node: CanvasNode) => Ports {
  const { aiIn, aiOut, mainOut } = connectedPorts(workflow);
  return (node) => ({
    aiInputs: aiIn.get(node.name)?.size ?? 0,
    aiOutputs: aiOut.get(node.name)?.size ?? 0,
    mainInputs: 1,
    mainOutputs: mainOut.get(node.name) ?? 1,
  });
}

/**
 * A node's ports from its type, as the editor reads them. A Firth node's `<name>Tool` variant, which
 * only the real n8n generates, is a sub-node with one AI output (an agent's tool).
 */
export function portsFromTypes(workflow: CanvasWorkflow, nodeTypes: INodeTypes): (node: CanvasNode) => Ports {
  const known = nodeTypes.getKnownTypes();
  const isToolVariant = (type: string) =>
    !(type in known) && type.startsWith('n8n-nodes-firth.') && type.endsWith('Tool');
  // the graph only evaluates the parameter expressions that some nodes' ports depend on
  const nodes = (workflow.nodes as unknown as INode[]).filter((n) => !isToolVariant(n.type));
  for (const node of nodes) {
    if (node.type in known) continue;
    const hint = node.type.startsWith('@n8n/n8n-nodes-langchain.')
      ? " (n8n's AI nodes come from the n8n runtime: source scripts/lib/n8n-runtime.sh && firth_ensure_n8n)"
      : '';
    throw new Error(`${node.name}: node type ${node.type} is not known${hint}`);
  }
  const graph = new Workflow({ nodes, connections: {}, active: false, nodeTypes });
  return (node) => {
    if (isToolVariant(node.type)) return { aiInputs: 0, aiOutputs: 1, mainInputs: 0, mainOutputs: 0 };
    const typed = graph.getNode(node.name);
    if (!typed) throw new Error(`no node "${node.name}"`);
    const description = nodeTypes.getByNameAndVersion(typed.type, typed.typeVersion).description;
    const count = (list: (string | { type: string })[], main: boolean) =>
      list.filter((p) => ((typeof p === 'string' ? p : p.type) === 'main') === main).length;
    const inputs = NodeHelpers.getNodeInputs(graph, typed, description);
    const outputs = NodeHelpers.getNodeOutputs(graph, typed, description);
    return {
      aiInputs: count(inputs, false),
      aiOutputs: count(outputs, false),
      mainInputs: count(inputs, true),
      mainOutputs: count(outputs, true),
    };
  };
}

/** Per node: the AI port types it receives and sends, and how many main outputs it uses. */
function connectedPorts(workflow: CanvasWorkflow) {
  const aiIn = new Map<string, Set<string>>();
  const aiOut = new Map<string, Set<string>>();
  const mainOut = new Map<string, number>();
  const add = (map: Map<string, Set<string>>, name: string, type: string) =>
    map.set(name, (map.get(name) ?? new Set()).add(type));
  for (const [from, byType] of Object.entries(workflow.connections)) {
    for (const [type, outputs] of Object.entries(byType)) {
      if (type === 'main') {
        mainOut.set(from, outputs?.length ?? 0);
        continue;
      }
      for (const target of (outputs ?? []).flat()) {
        if (!target) continue;
        add(aiOut, from, type);
        add(aiIn, target.node, type);
      }
    }
  }
  return { aiIn, aiOut, mainOut };
}

/** The parents of each sub-node: the nodes its AI outputs go to. */
export function subNodeParents(workflow: CanvasWorkflow): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const [from, byType] of Object.entries(workflow.connections)) {
    for (const [type, outputs] of Object.entries(byType)) {
      if (type === 'main') continue;
      for (const target of (outputs ?? []).flat()) {
        if (target) parents.set(from, [...(parents.get(from) ?? []), target.node]);
      }
    }
  }
  return parents;
}

/**
 * Every box the editor draws for a workflow: nodes, the labels under them, sticky notes. `portsOf`
 * says each node's ports (by default, from the connections).
 */
export function canvasBoxes(
  workflow: CanvasWorkflow,
  portsOf: (node: CanvasNode) => Ports = portsFromConnections(workflow),
): Box[] {
  const boxes: Box[] = [];
  for (const node of workflow.nodes) {
    const x = snapToGrid(node.position[0]);
    const y = snapToGrid(node.position[1]);
    if (isStickyNote(node)) {
      const width = Number(node.parameters?.['width'] ?? 240);
      const height = Number(node.parameters?.['height'] ?? 160);
      boxes.push({ kind: 'sticky', name: node.name, x, y, width, height });
      continue;
    }
    const ports = portsOf(node);
    const configurable = ports.aiInputs > 0;
    const configuration = ports.aiOutputs > 0;
    if (configurable) {
      const aiPorts = ports.aiInputs + ports.aiOutputs;
      const width = 80 + GRID_SIZE * ((configuration ? 1 : 0) + (Math.max(4, aiPorts) - 1) * 3);
      boxes.push({ kind: 'node', name: node.name, x, y, width, height: configuration ? 80 : 96 });
      continue; // the label is inside
    }
    const mainPorts = Math.max(ports.mainInputs, ports.mainOutputs, 1);
    const [width, height] = configuration ? [80, 80] : [96, 96 + Math.max(0, mainPorts - 2) * 32];
    boxes.push({ kind: 'node', name: node.name, x, y, width, height });
    boxes.push({
      kind: 'label',
      name: node.name,
      x: x - width / 2,
      y: y + height,
      width: width * 2,
      height: LABEL_HEIGHT,
    });
  }
  return boxes;
}

const intersect = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Every pair of boxes that overlap (a node and its own label excepted), described for a message. */
export function overlaps(
  workflow: CanvasWorkflow,
  portsOf: (node: CanvasNode) => Ports = portsFromConnections(workflow),
): string[] {
  const boxes = canvasBoxes(workflow, portsOf);
  const found: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      if (a.name === b.name) continue;
      if (intersect(a, b)) found.push(`${a.kind} "${a.name}" overlaps ${b.kind} "${b.name}"`);
    }
  }
  return found;
}

/**
 * Sub-nodes that are not under their parents: each must start below every parent's bottom, and sit
 * horizontally under one of them — within its span widened, on each side, by half a 208 px slot
 * per sub-node that parent has (so a row of tools may fan out under an agent).
 */
export function misplacedSubNodes(
  workflow: CanvasWorkflow,
  portsOf: (node: CanvasNode) => Ports = portsFromConnections(workflow),
): string[] {
  const boxes = new Map(
    canvasBoxes(workflow, portsOf)
      .filter((b) => b.kind === 'node')
      .map((b) => [b.name, b]),
  );
  const parentsOf = subNodeParents(workflow);
  const children = new Map<string, number>();
  for (const parents of parentsOf.values())
    for (const p of new Set(parents)) children.set(p, (children.get(p) ?? 0) + 1);
  const found: string[] = [];
  for (const [name, parents] of parentsOf) {
    const sub = boxes.get(name);
    if (!sub) continue;
    const centre = sub.x + sub.width / 2;
    let under = false;
    for (const parentName of new Set(parents)) {
      const parent = boxes.get(parentName);
      if (!parent) continue;
      if (sub.y < parent.y + parent.height + 2 * GRID_SIZE)
        found.push(`sub-node "${name}" is not below "${parentName}"`);
      const reach = (children.get(parentName) ?? 1) * 104;
      if (centre >= parent.x - reach && centre <= parent.x + parent.width + reach) under = true;
    }
    if (!under) found.push(`sub-node "${name}" is not under ${parents.map((p) => `"${p}"`).join(' and ')}`);
  }
  return found;
}
