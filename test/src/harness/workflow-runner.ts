/**
 * Tier 2: run a workflow JSON in-process through n8n's real execution engine.
 *
 * `WorkflowExecute` from n8n-core is the engine n8n's `execute`, editor and webhook runs all use:
 * expressions (`={{ $json.x1 }}`, `$('Node').first()`), paired items, `onError` /
 * continue-on-fail, the v1 execution order. Left out, because nothing here needs them: the
 * database, credentials, sub-workflows, task runners (Code node), waiting and webhooks.
 *
 *   const nodeTypes = await createNodeTypes();
 *   const run = await runWorkflow(JSON.parse(text), { nodeTypes });
 *   run.json('Perceptron')   // [{ weights: [0.3, -0.1], bias: 0, … }]
 */
import { createRequire } from 'node:module';
import type {
  ExecutionError,
  IBinaryData,
  IConnections,
  IDataObject,
  INode,
  INodeExecutionData,
  INodeTypes,
  IPinData,
  IRun,
  ITaskData,
  IWorkflowBase,
  IWorkflowExecuteAdditionalData,
  IWorkflowSettings,
} from 'n8n-workflow';

// One instance of each engine module: the CJS builds that n8n-core and the nodes require().
const require = createRequire(import.meta.url);
// n8n's logger prints every node error to stdout; a test reads errors from the result instead.
process.env.N8N_LOG_LEVEL ??= 'silent';
const { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } =
  require('n8n-core') as typeof import('n8n-core');
const { Workflow } = require('n8n-workflow') as typeof import('n8n-workflow');

/** A workflow as n8n exports it (the files under `workflows/`). */
export interface WorkflowJson {
  id?: string;
  name?: string;
  nodes: INode[];
  connections: IConnections;
  settings?: IWorkflowSettings;
  pinData?: IPinData;
  staticData?: IDataObject;
}

/** What one node produced in its (last) run. */
export interface NodeResult {
  /** Items per output: `outputs[0]` is the first (usually only) `main` output. */
  outputs: INodeExecutionData[][];
  /** Set when the node failed (and did not continue on fail). */
  error?: NodeRunError;
  /** How many times the node ran (more than 1 only in loops). */
  runs: number;
  executionTimeMs: number;
}

/** A node error, reduced to what a test asserts on. */
export interface NodeRunError {
  message: string;
  description?: string | null;
  /** The item the node was working on when it failed, when the node said so. */
  itemIndex?: number;
  /** The node that failed, as named in the workflow. */
  nodeName?: string;
  raw: ExecutionError;
}

export interface WorkflowRunResult {
  status: IRun['status'];
  /** Node names in the order they ran. */
  order: string[];
  /** Per node name; a node that did not run is absent. */
  nodes: Record<string, NodeResult>;
  /** The workflow-level error (the failing node's error when one stopped the run). */
  error?: NodeRunError;
  /** Every node error, in run order. */
  errors: NodeRunError[];
  /** `json` of every item on one output of a node (throws if the node did not run). */
  json(nodeName: string, output?: number): IDataObject[];
  /** `binary` of every item on one output of a node (`{}` for an item without binary data). */
  binary(nodeName: string, output?: number): Array<Record<string, IBinaryData>>;
  /** A sub-node's calls: the first item it reported on its AI output (`ai_retriever`, …), per call. */
  aiOutputs(nodeName: string, type: string): IDataObject[];
  /** The raw `IRun` n8n would store for this execution. */
  raw: IRun;
}

export interface RunWorkflowOptions {
  nodeTypes: INodeTypes;
  /** Node to start from; by default n8n's own choice (the trigger). */
  startNode?: string;
  /** Stop after this node (as "execute step" in the editor does). */
  destinationNode?: string;
  /** Execution id for logs and `$execution.id`. @default 'firth-tier2' */
  executionId?: string;
}

/**
 * Run a workflow to completion and collect each node's output.
 * Node errors do not throw: they are reported on `nodes[name].error`, `error` and `errors`.
 */
export async function runWorkflow(
  workflowJson: WorkflowJson,
  options: RunWorkflowOptions,
): Promise<WorkflowRunResult> {
  const executionId = options.executionId ?? 'firth-tier2';
  const settings: IWorkflowSettings = { executionOrder: 'v1', ...workflowJson.settings };
  const workflow = new Workflow({
    id: workflowJson.id ?? 'firth-tier2',
    name: workflowJson.name,
    nodes: workflowJson.nodes,
    connections: workflowJson.connections,
    active: false,
    nodeTypes: options.nodeTypes,
    staticData: workflowJson.staticData,
    settings,
    pinData: workflowJson.pinData,
  });

  const workflowData: IWorkflowBase = {
    id: workflow.id,
    name: workflow.name ?? 'workflow',
    active: false,
    isArchived: false,
    activeVersionId: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    nodes: workflowJson.nodes,
    connections: workflowJson.connections,
    settings,
  };
  const order: string[] = [];
  const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
  hooks.addHandler('nodeExecuteAfter', (nodeName) => {
    order.push(nodeName);
  });

  const additionalData = createAdditionalData(hooks, executionId);
  const raw = await new WorkflowExecute(additionalData, 'manual').run({
    workflow,
    startNode: options.startNode ? (workflow.getNode(options.startNode) ?? undefined) : undefined,
    destinationNode: options.destinationNode
      ? { nodeName: options.destinationNode, mode: 'inclusive' }
      : undefined,
  });
  return collect(raw, order);
}

function collect(raw: IRun, order: string[]): WorkflowRunResult {
  const nodes: Record<string, NodeResult> = {};
  const errors: NodeRunError[] = [];
  for (const [name, tasks] of Object.entries(raw.data.resultData.runData)) {
    const last = tasks.at(-1) as ITaskData;
    const error = last.error ? toNodeRunError(last.error, name) : undefined;
    if (error) errors.push(error);
    nodes[name] = {
      outputs: (last.data?.main ?? []).map((items) => items ?? []),
      error,
      runs: tasks.length,
      executionTimeMs: last.executionTime,
    };
  }
  errors.sort((a, b) => order.indexOf(a.nodeName ?? '') - order.indexOf(b.nodeName ?? ''));
  const workflowError = raw.data.resultData.error;

  const output = (nodeName: string, index: number): INodeExecutionData[] => {
    const node = nodes[nodeName];
    if (!node) {
      throw new Error(`Node "${nodeName}" did not run (ran: ${order.join(', ') || 'nothing'})`);
    }
    return node.outputs[index] ?? [];
  };
  return {
    status: raw.status,
    order,
    nodes,
    error: workflowError ? toNodeRunError(workflowError) : undefined,
    errors,
    json: (nodeName, index = 0) => output(nodeName, index).map((item) => item.json),
    binary: (nodeName, index = 0) => output(nodeName, index).map((item) => item.binary ?? {}),
    aiOutputs: (nodeName, type) => aiOutputsOf(raw.data.resultData.runData, nodeName, type),
    raw,
  };
}

/** A sub-node's runs in `runData` (one per call): the first json item of each on `type`. */
export function aiOutputsOf(
  runData: Record<string, ITaskData[]> | undefined,
  nodeName: string,
  type: string,
): IDataObject[] {
  return (runData?.[nodeName] ?? []).map((task) => task.data?.[type]?.[0]?.[0]?.json ?? {});
}

function toNodeRunError(error: ExecutionError, nodeName?: string): NodeRunError {
  const withNode = error as ExecutionError & { node?: INode; context?: IDataObject };
  const itemIndex = withNode.context?.itemIndex;
  return {
    message: error.message,
    description: error.description,
    itemIndex: typeof itemIndex === 'number' ? itemIndex : undefined,
    nodeName: withNode.node?.name ?? nodeName,
    raw: error,
  };
}

/**
 * The services a run may call on. Everything a workflow in this repository cannot reach
 * (credentials, sub-workflows, task runners) throws with a message saying so; `$secrets` is empty.
 * `encryptedRunnerIdentity` stays undefined: when set, n8n-core expects a task-runner setup.
 */
function createAdditionalData(
  hooks: InstanceType<typeof ExecutionLifecycleHooks>,
  executionId: string,
): IWorkflowExecuteAdditionalData {
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available in the in-process test runner`);
  };
  const url = 'http://127.0.0.1:5678';
  return {
    hooks,
    executionId,
    credentialsHelper: new Proxy({} as IWorkflowExecuteAdditionalData['credentialsHelper'], {
      get: (_target, property) => unavailable(`Credentials (${String(property)})`),
    }),
    externalSecretsProxy: new ExternalSecretsProxy(),
    executeWorkflow: unavailable('Execute Workflow (sub-workflows)'),
    getRunExecutionData: async () => undefined,
    getRuntimeCredential: async () => undefined,
    startRunnerTask: unavailable('Task runners (Code node)'),
    logAiEvent: () => {},
    currentNodeExecutionIndex: 0,
    variables: {},
    restApiUrl: `${url}/rest`,
    instanceBaseUrl: url,
    formBaseUrl: `${url}/form`,
    formWaitingBaseUrl: `${url}/form-waiting`,
    formTestBaseUrl: `${url}/form-test`,
    webhookBaseUrl: `${url}/webhook`,
    webhookWaitingBaseUrl: `${url}/webhook-waiting`,
    webhookTestBaseUrl: `${url}/webhook-test`,
    mcpBaseUrl: `${url}/mcp`,
    mcpTestBaseUrl: `${url}/mcp-test`,
  };
}
