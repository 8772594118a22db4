/**
 * Tier 3: the real n8n (the pinned n8n@2.41.1 at FIRTH_N8N_BIN) with n8n-nodes-firth installed as
 * a community package, exactly as a user installs it, and every workflows/*.json imported.
 *
 * One fresh user folder (harness/firth-n8n.ts), one `execute-batch` for all workflows, one
 * `n8n start`. Firth's model server (@firth/server) runs beside it on a free port with a random
 * key, and the committed credentials (workflows/credentials/, placeholder key) are imported
 * rewritten to point at it, as
 * `firth-n8n start` does for its own port: n8n's own OpenAI and Ollama chat-model nodes call it, and
 * the Firth nodes without a credential find it through FIRTH_SERVER_URL / FIRTH_SERVER_KEY.
 * PGlite (Postgres in WASM with pgvector, served over the wire protocol) runs beside them on another
 * free port, and the committed `postgres` credential is imported pointing at it: n8n's own Postgres
 * PGVector Store node stores and searches Firth's embeddings there.
 * n8n's own
 * `execute-batch --compare` checks only that the same keys come out, so the values are asserted
 * here: every workflow's pinned numbers (src/workflow-expectations.ts, shared with tier 2), and the
 * course's hand calculation for the AND gate step by step.
 *
 * Run: `cd test && pnpm test:int` with FIRTH_N8N_BIN exported
 * (`source scripts/lib/n8n-runtime.sh && firth_ensure_n8n`). ~1 min.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  executeBatch,
  exportNodes,
  firthLogLines,
  freePort,
  inCourseOrder,
  type N8nHandle,
  nodeOutput,
  PGLITE_CREDENTIAL_NAME,
  type Prepared,
  readWorkflowFiles,
  setupOwner,
  startN8n,
  type WorkflowRun,
} from '@firth/n8n-host';
import type { IDataObject } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FirthN8nFolder,
  firthNodesPackageDir as packageDir,
  prepareFirthN8n,
  workflowsDir,
} from './harness/firth-n8n.js';
import { aiOutputsOf } from './harness/workflow-runner.js';
import { expectations, useFirthServer, type WorkflowValues } from './workflow-expectations.js';

const AND_GATE = 'firthPerceptAND1'; // workflows/perceptron-and-gate.json

let stack: FirthN8nFolder | undefined;
let userFolder: string;
let prepared: Prepared;
let nodeTypes: string[];
let runs: Record<string, WorkflowRun>;
let batchLog: string;

beforeAll(async () => {
  // n8n's default log level (harness/node-types.ts silences n8n for tier 2): the log is checked below
  process.env.N8N_LOG_LEVEL = 'info';
  stack = await prepareFirthN8n('int');
  ({ userFolder, prepared } = stack);
  useFirthServer({ url: stack.server.url, apiKey: stack.apiKey });
  nodeTypes = (await exportNodes(userFolder)).map((n) => n.name);
  const batchLogFile = join(userFolder, 'execute-batch.log');
  runs = await executeBatch(
    userFolder,
    prepared.workflows.map((w) => w.id),
    { logFile: batchLogFile },
  );
  batchLog = readFileSync(batchLogFile, 'utf8');
});

afterAll(async () => {
  await stack?.close();
});

describe('n8n-nodes-firth in the real n8n', () => {
  it('installs as a community package: types keep the package name, tools are generated', () => {
    expect(prepared.package.name).toBe('n8n-nodes-firth');
    for (const name of [
      'perceptron',
      'mlp',
      'activationFunction',
      'convolution',
      'recurrentTextGenerator',
      'ragAnswer',
      'vectorStoreFirth',
    ]) {
      expect(nodeTypes).toContain(`n8n-nodes-firth.${name}`);
      expect(nodeTypes).toContain(`n8n-nodes-firth.${name}Tool`);
    }
    // AI sub-nodes are not tools
    for (const name of ['embeddingsFirth', 'lmChatFirth', 'retrieverFirth']) {
      expect(nodeTypes).toContain(`n8n-nodes-firth.${name}`);
      expect(nodeTypes).not.toContain(`n8n-nodes-firth.${name}Tool`);
    }
  });

  it('imports the committed credentials (workflows/credentials/) with the ids the workflows use', () => {
    expect(prepared.credentials.map((c) => [c.id, c.type]).sort()).toEqual([
      ['firthLocalOllama1', 'ollamaApi'],
      ['firthLocalOpenAi1', 'openAiApi'],
      ['firthPostgresVec1', 'postgres'],
    ]);
    // pointed at PGlite, the postgres credential says so
    expect(prepared.credentials.find((c) => c.type === 'postgres')?.name).toBe(PGLITE_CREDENTIAL_NAME);
  });

  it('is recorded as installed, as n8n records a package its installer installed', () => {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      version: string;
      n8n: { nodes: string[] };
    };
    expect(prepared.registered.packageName).toBe('n8n-nodes-firth');
    expect(prepared.registered.installedVersion).toBe(pkg.version);
    expect(prepared.registered.nodes).toHaveLength(pkg.n8n.nodes.length);
    expect(prepared.registered.nodes.map((n) => n.type)).toContain('n8n-nodes-firth.perceptron');
    expect(prepared.registered.nodes.find((n) => n.type === 'n8n-nodes-firth.perceptron')?.name).toBe(
      'Perceptron',
    );
  });

  it("runs every workflow without a line from Firth in n8n's log (one TF.js, no warnings)", () => {
    expect(batchLog).toMatch(/Execution finished/);
    expect(firthLogLines(batchLog)).toEqual([]);
  });

  it('imports and runs every workflow in workflows/ without an error', () => {
    expect(prepared.workflows.map((w) => w.id)).toContain(AND_GATE);
    for (const workflow of prepared.workflows) {
      const run = runs[workflow.id];
      expect(run?.error, `${workflow.name} (${workflow.id})`).toBeUndefined();
      expect(run?.status, `${workflow.name} (${workflow.id})`).toBe('success');
    }
  });
});

/** The real n8n's run data, read the way the shared expectations read a run. */
function valuesOf(run: WorkflowRun | undefined): WorkflowValues {
  return {
    json: (node) => nodeOutput(run, node) as IDataObject[],
    aiOutputs: (node, type) => aiOutputsOf(run?.runData as never, node, type),
    binary: (node) => {
      const items = run?.runData?.[node]?.at(-1)?.data?.['main']?.[0] ?? [];
      return items.map(
        (item) => (item.binary ?? {}) as Record<string, { mimeType?: string; data?: string; id?: string }>,
      );
    },
  };
}

describe('every workflow pins its numbers in the real n8n', () => {
  for (const { file, id } of readWorkflowFiles(workflowsDir)) {
    const name = basename(file);
    it(name, async () => {
      const check = expectations[name];
      expect(check, `add an entry for ${name} to test/src/workflow-expectations.ts`).toBeDefined();
      await check?.(valuesOf(runs[id]));
    });
  }
});

describe('workflows/perceptron-and-gate.json', () => {
  it("replays the course's hand calculation: η 0.1, w [0.3, -0.1], b 0.2, first epoch step by step", () => {
    const [out] = nodeOutput(runs[AND_GATE], 'Perceptron (course rule)');
    const trace = out?.['trace'] as {
      inputs: number[];
      z: number;
      output: number;
      error: number;
      weights: number[];
      bias: number;
    }[];
    const expected = [
      { inputs: [0, 0], z: 0.2, output: 1, error: -1, weights: [0.3, -0.1], bias: 0.1 },
      { inputs: [0, 1], z: 0, output: 1, error: -1, weights: [0.3, -0.2], bias: 0 },
      { inputs: [1, 0], z: 0.3, output: 1, error: -1, weights: [0.2, -0.2], bias: -0.1 },
      { inputs: [1, 1], z: -0.1, output: 0, error: 1, weights: [0.3, -0.1], bias: 0 },
    ];
    expect(trace.length).toBeGreaterThanOrEqual(4);
    expected.forEach((step, i) => {
      const got = trace[i]!;
      expect(got.inputs, `step ${i + 1} inputs`).toEqual(step.inputs);
      expect(got.z, `step ${i + 1} z`).toBeCloseTo(step.z, 9);
      expect(got.output, `step ${i + 1} output`).toBe(step.output);
      expect(got.error, `step ${i + 1} error`).toBe(step.error);
      expect(got.weights).toHaveLength(2);
      for (const [k, w] of step.weights.entries()) {
        expect(got.weights[k], `step ${i + 1} w${k + 1}`).toBeCloseTo(w, 9);
      }
      expect(got.bias, `step ${i + 1} bias`).toBeCloseTo(step.bias, 9);
    });
  });

  it("matches scikit-learn's Perceptron(max_iter=100, eta0=0.1, random_state=42): coef [[0.2, 0.2]], intercept [-0.2]", () => {
    const [out] = nodeOutput(runs[AND_GATE], 'Perceptron (scikit-learn)');
    const coef = out?.['coef'] as number[][];
    const intercept = out?.['intercept'] as number[];
    expect(coef).toHaveLength(1);
    expect(coef[0]).toHaveLength(2);
    expect(coef[0]![0]).toBeCloseTo(0.2, 9);
    expect(coef[0]![1]).toBeCloseTo(0.2, 9);
    expect(intercept).toHaveLength(1);
    expect(intercept[0]).toBeCloseTo(-0.2, 9);
    expect(out?.['predictions']).toEqual([0, 0, 0, 1]);
  });

  it('predicts AND with the trained scikit-learn model: [0, 0, 0, 1]', () => {
    const items = nodeOutput(runs[AND_GATE], 'Predict AND');
    expect(items.map((item) => item['prediction'])).toEqual([0, 0, 0, 1]);
  });
});

describe('n8n start (what scripts/start.sh runs)', () => {
  let n8n: N8nHandle | undefined;
  afterAll(async () => {
    await n8n?.stop();
  });

  it('serves the editor on 127.0.0.1 with the owner set up, every workflow listed and the node known', async () => {
    n8n = await startN8n(userFolder, { port: await freePort() });
    expect(n8n.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const owner = {
      email: 'owner@firth.test',
      firstName: 'Firth',
      lastName: 'Test',
      password: 'Firth1-integration',
    };
    expect((await setupOwner(n8n.baseUrl, owner)).created).toBe(true);
    // A second start finds the owner there and logs in instead.
    const session = await setupOwner(n8n.baseUrl, owner);
    expect(session.created).toBe(false);

    const listed = await session.get<{ data: { id: string; name: string }[] }>('/rest/workflows');
    expect(listed.data.map((w) => w.id).sort()).toEqual(prepared.workflows.map((w) => w.id).sort());
    // the editor's list (last updated first) reads in course order, from 01 · …
    const byUpdate = await session.get<{ data: { name: string }[] }>('/rest/workflows?sortBy=updatedAt:desc');
    expect(byUpdate.data.map((w) => w.name)).toEqual(inCourseOrder(prepared.workflows).map((w) => w.name));
    expect(byUpdate.data[0]?.name).toMatch(/^01 · /);
    const types = await session.get<{ name: string }[]>('/types/nodes.json');
    expect(types.map((t) => t.name)).toContain('n8n-nodes-firth.perceptron');

    // Settings → Community nodes: the package, installed and loaded, with every node
    const packages = await session.get<{
      data: {
        packageName: string;
        installedVersion: string;
        failedLoading?: boolean;
        installedNodes: { type: string }[];
      }[];
    }>('/rest/community-packages');
    const firth = packages.data.find((p) => p.packageName === 'n8n-nodes-firth');
    expect(firth).toMatchObject({
      installedVersion: prepared.registered.installedVersion,
      failedLoading: false,
    });
    expect(firth?.installedNodes.map((n) => n.type).sort()).toEqual(
      prepared.registered.nodes.map((n) => n.type).sort(),
    );

    const logFile = n8n.logFile;
    expect(await n8n.stop()).toBe(0);
    n8n = undefined;
    // Start-up loads every node: one TF.js, so no "kernel … already registered" (~500 lines before)
    const log = readFileSync(logFile, 'utf8');
    expect(log).toMatch(/Editor is now accessible/);
    expect(firthLogLines(log)).toEqual([]);
  });
});
