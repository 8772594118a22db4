/**
 * n8n's headless CLI commands on a user folder: import workflows, list node types, execute
 * workflows. Each is one short-lived `n8n` process (~7–15 s: it boots n8n's DI container and DB).
 *
 * n8n prints log lines on stdout before any data, so nothing here parses stdout: every command
 * writes its result to a file we name (`--output`, `--snapshot`) and we read that.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCourseOrder } from './course.js';
import { type N8nEnvOptions, n8nEnv } from './env.js';
import { n8nCommand, run, runChecked } from './process.js';

/** The parts of a workflow file this package reads. */
export interface WorkflowFile {
  id: string;
  name: string;
  /** `true`: the workflow is meant to run as soon as it is imported (queue.ts activates it). */
  active?: boolean;
  nodes: { name: string; type: string; parameters?: Record<string, unknown> }[];
}

/** Every `*.json` workflow in a folder, sorted by file name. */
export function readWorkflowFiles(dir: string): (WorkflowFile & { file: string })[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const workflow = JSON.parse(readFileSync(join(dir, f), 'utf8')) as WorkflowFile;
      if (typeof workflow.id !== 'string' || !workflow.id) {
        throw new Error(`${join(dir, f)} has no "id": every workflow in it needs a fixed id`);
      }
      return { ...workflow, file: join(dir, f) };
    });
}

/** Runs `n8n <args>` on a user folder; throws with n8n's output when it exits non-zero. */
export async function n8nCli(userFolder: string, args: readonly string[], options: N8nEnvOptions = {}) {
  const env = await n8nEnv(userFolder, options);
  const [command, argv] = n8nCommand(args, env);
  return runChecked(command, argv, { env });
}

/**
 * Imports every `*.json` workflow in `dir` (`n8n import:workflow`). Workflows keep the file's `id`,
 * so importing again updates them instead of adding copies. Imported workflows are inactive.
 *
 * n8n's workflow list shows the last updated first: each import stamps `updatedAt` 10 ms apart,
 * 01 newest, so the list reads in course order from 01 (see course.ts) on every start, including
 * a user folder imported before. Returns what was imported, in course order.
 */
export async function importWorkflows(
  userFolder: string,
  dir: string,
  options: N8nEnvOptions = {},
): Promise<WorkflowFile[]> {
  const workflows = inCourseOrder(readWorkflowFiles(dir));
  if (workflows.length === 0) return workflows;
  const tmp = mkdtempSync(join(tmpdir(), 'firth-workflows-'));
  try {
    const file = join(tmp, 'workflows.json');
    const now = Date.now();
    const stamped = workflows.map(({ file: path }, i) => ({
      ...(JSON.parse(readFileSync(path, 'utf8')) as object),
      updatedAt: new Date(now - i * 10).toISOString(),
    }));
    writeFileSync(file, JSON.stringify(stamped));
    await n8nCli(userFolder, ['import:workflow', `--input=${file}`], options);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return workflows;
}

/** A node type as `n8n export:nodes` describes it (the same shape the editor gets). */
export interface NodeTypeDescription {
  name: string;
  displayName: string;
  version: number | number[];
  [key: string]: unknown;
}

/** Every node type this n8n knows, community packages included (`n8n export:nodes`). */
export async function exportNodes(userFolder: string): Promise<NodeTypeDescription[]> {
  const dir = mkdtempSync(join(tmpdir(), 'firth-nodes-'));
  try {
    const file = join(dir, 'nodes.json');
    await n8nCli(userFolder, ['export:nodes', `--output=${file}`]);
    return JSON.parse(readFileSync(file, 'utf8')) as NodeTypeDescription[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One item a node output: n8n's `{ json, binary?, pairedItem? }`. */
export interface ExecutionItem {
  json: Record<string, unknown>;
  [key: string]: unknown;
}

/** n8n's run data: per node name, one entry per time the node ran. */
export type RunData = Record<
  string,
  {
    executionStatus?: string;
    error?: unknown;
    data?: Record<string, (ExecutionItem[] | null)[]>;
  }[]
>;

/** What one workflow of a batch did. */
export interface WorkflowRun {
  workflowId: string;
  workflowName: string;
  /** n8n's verdict; 'warning' includes timeouts and network-ish errors. */
  status: 'success' | 'warning' | 'error';
  error?: string;
  /** Seconds, as n8n measured them. */
  executionTime: number;
  /** Present when the workflow ran to the end. */
  runData?: RunData;
}

/**
 * Executes workflows once each in ONE `n8n execute-batch` process and returns what every node
 * output, keyed by workflow id. A failed workflow is reported (status 'error'), not thrown.
 *
 * n8n's `--compare` checks only that the same KEYS come out, so assert values on `runData`
 * yourself, e.g. with `nodeOutput(runs[id], 'Perceptron')`.
 *
 * Pitfall: execute-batch silently drops ids without a digit in them (`/\d+/`); we throw instead.
 */
export async function executeBatch(
  userFolder: string,
  ids: readonly string[],
  options: { /** Where to write what n8n printed (its log). @default nowhere */ logFile?: string } = {},
): Promise<Record<string, WorkflowRun>> {
  const noDigit = ids.filter((id) => !/\d/.test(id));
  if (noDigit.length > 0) {
    throw new Error(`n8n execute-batch ignores workflow ids without a digit: ${noDigit.join(', ')}`);
  }
  if (ids.length === 0) return {};
  const dir = mkdtempSync(join(tmpdir(), 'firth-batch-'));
  try {
    const output = join(dir, 'summary.json');
    const env = await n8nEnv(userFolder);
    const [command, argv] = n8nCommand(
      ['execute-batch', `--ids=${ids.join(',')}`, `--output=${output}`, `--snapshot=${dir}`, '--retries=0'],
      env,
    );
    // Exit code 1 just means some workflow failed; the summary file says which.
    const result = await run(command, argv, { env });
    if (options.logFile) writeFileSync(options.logFile, result.stdout + result.stderr);
    let summary: {
      executions: {
        workflowId: string;
        workflowName: string;
        executionStatus: WorkflowRun['status'];
        error?: string;
        executionTime: number;
      }[];
    };
    try {
      summary = JSON.parse(readFileSync(output, 'utf8'));
    } catch {
      throw new Error(
        `n8n execute-batch wrote no summary (exit ${result.code}):\n${result.stdout}${result.stderr}`,
      );
    }
    const runs: Record<string, WorkflowRun> = {};
    for (const execution of summary.executions) {
      const run: WorkflowRun = {
        workflowId: execution.workflowId,
        workflowName: execution.workflowName,
        status: execution.executionStatus,
        executionTime: execution.executionTime,
        ...(execution.error !== undefined ? { error: execution.error } : {}),
      };
      try {
        const snapshot = JSON.parse(
          readFileSync(join(dir, `${execution.workflowId}-snapshot.json`), 'utf8'),
        ) as {
          data: { resultData: { runData: RunData } };
        };
        run.runData = snapshot.data.resultData.runData;
      } catch {
        // No snapshot: n8n writes one only for workflows that ran without an error.
      }
      runs[execution.workflowId] = run;
    }
    for (const id of ids) {
      if (!runs[id]) throw new Error(`n8n execute-batch did not run workflow ${id} (not imported?)`);
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The JSON items one node emitted on its first main output, the last time it ran.
 *
 *   nodeOutput(runs['firth0perceptron1'], 'Perceptron')[0] // { coef: [[0.2, 0.2]], ... }
 */
export function nodeOutput(
  run: WorkflowRun | undefined,
  nodeName: string,
  output = 0,
): Record<string, unknown>[] {
  if (!run?.runData) {
    throw new Error(
      `workflow ${run?.workflowId ?? '?'} has no run data (${run?.status}: ${run?.error ?? ''})`,
    );
  }
  const task = run.runData[nodeName]?.at(-1);
  if (!task) {
    throw new Error(`node "${nodeName}" did not run; nodes that ran: ${Object.keys(run.runData).join(', ')}`);
  }
  const items = task.data?.['main']?.[output];
  if (!items) throw new Error(`node "${nodeName}" has no main output ${output}`);
  return items.map((item) => item.json);
}
