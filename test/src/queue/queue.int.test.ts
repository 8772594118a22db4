/**
 * The queue tier: Firth's workflows on n8n's queue mode — PostgreSQL, Redis, n8n main and two
 * workers, started as `bash scripts/start.sh --queue` starts them (@firth/n8n-host's
 * startQueueStack, in a fresh state folder), the webhook workflows of workflows/queue/ imported
 * active, Firth's model server on a free port with a random key (the imported OpenAI credential
 * carries it: a chat that answers proves the workers decrypt it with the shared encryption key).
 *
 *   a. 300 webhook requests at once, a mix of the four workflows (sentiment, embedding, a RAG answer
 *      from the course notes, a chat with the model server), each with a unique id: every answer
 *      equals the core's own result for the same input, and PostgreSQL's execution tables hold each
 *      id in exactly one execution, status success;
 *   d. throughput with 2 workers, then (after b) with 1: executions/s and their ratio, printed;
 *   b. 150 more while worker 1 is killed with SIGKILL mid-run: every request is answered correctly,
 *      or its one execution is visibly failed (status error or crashed) in n8n's list — none
 *      silently missing; what happened to the executions the killed worker had started (its own
 *      event log names them) is counted and printed;
 *   c. 100 more, all enqueued, then the main instance killed (SIGKILL) and started again: every
 *      one finishes, success, exactly once (the queue lives in Redis, not in main), and the new
 *      main answers webhooks;
 *   and everything stopped: no process of the stack is left.
 *
 * Skipped, with the reason, when PostgreSQL or Redis is not installed and could not be
 * (scripts/lib/queue-services.sh; FIRTH_QUEUE_SKIP). Run: `cd test && FIRTH_TEST_TIER=int npx
 * vitest run src/queue` with FIRTH_N8N_BIN exported. 2.5–4 min on 2 cores.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callPipeline } from '@firth/langchain';
import {
  type FirthServer,
  findQueueServices,
  n8nBin,
  processesInGroups,
  psql,
  type QueueStack,
  startFirthServer,
  startQueueStack,
  stillAlive,
} from '@firth/n8n-host';
import { formatMemoryReports } from '@firth/numeric';
import { pipeline } from '@firth/pipelines';
import { askCourseNotes } from '@firth/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firthNodesPackageDir, workflowsDir } from '../harness/firth-n8n.js';
import { staleBuild } from '../harness/node-types.js';

const services = findQueueServices();
const skip = 'skip' in services ? services.skip : undefined;
if (skip) console.warn(`[queue tier] skipped: ${skip}`);

const say = (line: string) => console.log(`[queue tier] ${line}`);

type Kind = 'sentiment' | 'embedding' | 'rag' | 'chat';
const KINDS: Kind[] = ['sentiment', 'embedding', 'rag', 'chat'];
const PATHS: Record<Kind, string> = {
  sentiment: 'firth-queue-sentiment',
  embedding: 'firth-queue-embeddings',
  rag: 'firth-queue-rag',
  chat: 'firth-queue-chat',
};
const TEXTS = [
  'This tutorial is amazing!',
  "I'm having trouble understanding this.",
  'The weather is terrible today.',
  'I love this!',
  'a charming and moving film',
];
const QUESTIONS = ['What is BERT?', 'How does skip-gram differ from CBOW?', 'What is a perceptron?'];
const PROMPTS = ['Once upon a time', 'The little dog', 'Lily went to the park'];

interface Request {
  id: string;
  kind: Kind;
  input: string;
}
interface Outcome {
  request: Request;
  status: number; // 0: no HTTP answer (connection refused or reset)
  body?: unknown;
  error?: string;
  correct: boolean;
  ms: number;
}

/** `n` requests, the four kinds in turn, each with an id unique to this run and phase. */
function requests(phase: string, n: number): Request[] {
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: n }, (_, k) => {
    const kind = KINDS[k % KINDS.length]!;
    const pool = kind === 'rag' ? QUESTIONS : kind === 'chat' ? PROMPTS : TEXTS;
    return {
      id: `q${phase}-${String(k).padStart(4, '0')}-${run}`,
      kind,
      input: pool[Math.floor(k / 4) % pool.length]!,
    };
  });
}

/** n8n's statuses of an execution not settled yet. */
const OPEN = ['new', 'running', 'waiting', 'unknown'];

/** The ids of this tier in an execution's stored data. */
const ID_PATTERN = 'q[a-d]-[0-9]{4}-[0-9a-f]{6}';

/** Numbers equal to 1e-6 (relative), everything else equal. */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return (
      close(ka, kb) &&
      ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return a === b;
}

describe.skipIf(skip !== undefined)("Firth on n8n's queue mode (queue tier)", () => {
  let stack: QueueStack | undefined;
  let server: FirthServer;
  let apiKey: string;
  let stateDir: string;
  const expected = new Map<string, unknown>(); // `${kind}:${input}` → what the answer must hold
  const report: string[] = [];
  const t0 = Date.now();

  const execute = async (request: Request): Promise<Outcome> => {
    const started = Date.now();
    const body =
      request.kind === 'rag'
        ? { id: request.id, question: request.input }
        : request.kind === 'chat'
          ? { id: request.id, prompt: request.input }
          : { id: request.id, text: request.input };
    try {
      const response = await fetch(`${stack!.url}/webhook/${PATHS[request.kind]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(240_000),
      });
      const text = await response.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // Not JSON: kept as text, and not correct.
      }
      const want = expected.get(`${request.kind}:${request.input}`);
      const correct =
        response.status === 200 &&
        typeof json === 'object' &&
        json !== null &&
        (json as { id?: unknown }).id === request.id &&
        close({ ...(json as object), id: undefined }, { ...(want as object), id: undefined });
      return { request, status: response.status, body: json, correct, ms: Date.now() - started };
    } catch (error) {
      return {
        request,
        status: 0,
        error: String((error as Error).cause ?? error),
        correct: false,
        ms: Date.now() - started,
      };
    }
  };

  /** Every execution after `afterId`: its status and the request ids in its stored data. */
  const executionsAfter = async (afterId: number) => {
    const rows = await psql(
      stack!.postgres,
      `SELECT e.id, e.status, coalesce((SELECT string_agg(DISTINCT m[1], ',') FROM regexp_matches(d.data, :'pattern', 'g') m), '')
         FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
        WHERE e.id > :'after'::int ORDER BY e.id`,
      { vars: { pattern: `(${ID_PATTERN})`, after: String(afterId) } },
    );
    return rows
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, status, ids] = line.split('|');
        return { id: Number(id), status: status!, ids: ids ? ids.split(',') : [] };
      });
  };
  const lastExecutionId = async () =>
    Number((await psql(stack!.postgres, 'SELECT coalesce(max(id), 0) FROM execution_entity')) || 0);
  /** Waits until no execution after `afterId` is new, running or waiting (n8n has settled each). */
  const settled = async (afterId: number, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const rows = await executionsAfter(afterId);
      const open = rows.filter((r) => OPEN.includes(r.status));
      if (open.length === 0) return rows;
      if (Date.now() > deadline)
        throw new Error(
          `${open.length} executions still open after ${timeoutMs} ms: ${open.map((r) => `${r.id}:${r.status}`).join(', ')}`,
        );
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };
  /** Request id → its executions. */
  const byRequest = (rows: { id: number; status: string; ids: string[] }[]) => {
    const map = new Map<string, { id: number; status: string }[]>();
    for (const row of rows) for (const id of row.ids) map.set(id, [...(map.get(id) ?? []), row]);
    return map;
  };
  /** Sends n requests at once; every one must be answered right. Resolves with the batch and the seconds it took. */
  const allAnswered = async (phase: string, n: number) => {
    const batch = requests(phase, n);
    const start = Date.now();
    const outcomes = await Promise.all(batch.map(execute));
    const seconds = (Date.now() - start) / 1000;
    expect(
      outcomes.filter((o) => !o.correct).map((o) => [o.request.id, o.status, o.error ?? o.body]),
    ).toEqual([]);
    return { batch, seconds };
  };
  const throughput = async (n: number) => n / (await allAnswered('d', n)).seconds;

  beforeAll(async () => {
    n8nBin(); // no silent skip once PostgreSQL and Redis are there: the tier needs the real n8n
    if (staleBuild(firthNodesPackageDir))
      execFileSync(process.execPath, ['build.mjs'], { cwd: firthNodesPackageDir, stdio: 'inherit' });
    stateDir = mkdtempSync(join(tmpdir(), 'firth-queue-'));
    // mkdtemp makes it 0700: as root, the postgres user could not reach its cluster in it
    chmodSync(stateDir, 0o755);
    apiKey = `firth-queue-${randomBytes(9).toString('base64url')}`;
    server = await startFirthServer({ port: 0, apiKey });
    const started = Date.now();
    stack = await startQueueStack({
      stateDir,
      workers: 2,
      port: 0,
      activeWorkflowsDirs: [join(workflowsDir, 'queue')],
      credentialsDir: join(workflowsDir, 'credentials'),
      companions: {
        serverUrl: server.url,
        serverKey: apiKey,
        credentialOverrides: { firthServerUrl: server.url, firthServerKey: apiKey },
        close: () => server.close(),
      },
      // a killed worker's jobs are found stalled within ~20 s instead of n8n's 60–90 s
      env: {
        QUEUE_WORKER_LOCK_DURATION: '15000',
        QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
        QUEUE_WORKER_STALLED_INTERVAL: '5000',
      },
      log: say,
    });
    report.push(`stack started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // What each answer must hold: the core's own result for the same input
    const classify = await pipeline('sentiment-analysis');
    const extract = await pipeline('feature-extraction');
    for (const text of TEXTS) {
      const sentiment = await callPipeline(classify, 'sentiment-analysis', { text }, {});
      expected.set(`sentiment:${text}`, {
        result: JSON.parse(JSON.stringify(sentiment)),
        model: classify.model.id,
      });
      const vector = await callPipeline(
        extract,
        'feature-extraction',
        { text },
        { pooling: 'mean', normalize: true },
      );
      expected.set(`embedding:${text}`, {
        result: JSON.parse(JSON.stringify(vector)),
        model: extract.model.id,
      });
    }
    for (const question of QUESTIONS) {
      const core = await askCourseNotes(question, { k: 4 });
      expected.set(`rag:${question}`, {
        question,
        answer: core.answer,
        sources: JSON.parse(JSON.stringify(core.sources)),
        answeredBy: 'extractive', // no LLM attached: the core's extractive answerer, as tier 3 asserts
      });
    }
    for (const prompt of PROMPTS) {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({
          model: 'tinystories-260k',
          messages: [{ role: 'user', content: prompt }],
          temperature: 0,
          max_tokens: 8,
        }),
      });
      const served = (await response.json()) as { choices: { message: { content: string } }[] };
      // n8n's Basic LLM Chain trims the model's text (its responseFormatter: `response.trim()`)
      expected.set(`chat:${prompt}`, { text: served.choices[0]!.message.content.trim() });
    }
  });

  afterAll(async () => {
    await stack?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    report.push(`tier took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    for (const line of report) say(line);
  });

  it('a. 300 concurrent webhook executions: each answered right, each recorded once in PostgreSQL, success', async () => {
    const before = await lastExecutionId();
    const { batch, seconds } = await allAnswered('a', 300);
    const rows = await settled(before);
    const executions = byRequest(rows);
    for (const { id } of batch) {
      expect(
        executions.get(id)?.map((e) => e.status),
        id,
      ).toEqual(['success']);
    }
    expect(rows).toHaveLength(300); // nothing else ran: one execution per request
    report.push(
      `a: 300 executions in ${seconds.toFixed(1)} s (${(300 / seconds).toFixed(1)}/s, 2 workers, cold), all success, once each`,
    );
    // memory per worker, and each Firth model loaded once per worker, on first use
    const workerPids = new Set(stack!.workers.map((w) => w.pid));
    const workerReports = stack!.memory().filter((r) => workerPids.has(r.pid));
    expect(workerReports).toHaveLength(2);
    for (const r of workerReports) {
      expect(r.alive).toBe(true);
      expect(r.rssNowBytes).toBeGreaterThan(0);
      expect(r.models.map((m) => [m.name, m.loads])).toEqual(r.models.map((m) => [m.name, 1]));
    }
    // 300 executions over 2 workers: each ran sentiment (BERT) at least once
    expect(workerReports.every((r) => r.models.length > 0)).toBe(true);
    report.push(
      '  memory after phase a:',
      ...formatMemoryReports(stack!.memory())
        .split('\n')
        .map((l) => `    ${l}`),
    );
  });

  let twoWorkers = 0;
  it('d. throughput with 2 workers (warm)', async () => {
    twoWorkers = await throughput(100);
    report.push(`d: 2 workers ${twoWorkers.toFixed(1)} executions/s`);
  });

  it('b. one worker killed with SIGKILL mid-run: every request answered right or its execution visibly failed, none missing', async () => {
    const before = await lastExecutionId();
    const batch = requests('b', 150);
    const killed = stack!.workers[0]!;
    let answered = 0;
    // the executions not finished the moment the worker is dead: the killed worker's can no longer finish
    const kill = (async () => {
      while (answered < 30) await new Promise((r) => setTimeout(r, 50));
      await stack!.killWorker(killed.index, 'SIGKILL');
      const rows = await executionsAfter(before);
      return new Set(rows.filter((r) => OPEN.includes(r.status)).map((r) => r.id));
    })();
    const outcomes = await Promise.all(
      batch.map(async (r) => {
        const o = await execute(r);
        answered++;
        return o;
      }),
    );
    const openAtKill = await kill;
    const rows = await settled(before);
    const executions = byRequest(rows);
    const visible = new Set(['error', 'crashed']);
    // A request answered right: its id in exactly one execution, success. A request that failed:
    // its execution error or crashed — found by its id where n8n kept the webhook's data, else among
    // the executions n8n stored with the error alone (a job that stalled on the killed worker keeps
    // no run data), which must number exactly the failed requests left over.
    const unmatched: Outcome[] = [];
    for (const o of outcomes) {
      const found = executions.get(o.request.id) ?? [];
      expect(found.length, `${o.request.id}: at most one execution`).toBeLessThanOrEqual(1);
      if (o.correct)
        expect(
          found.map((e) => e.status),
          o.request.id,
        ).toEqual(['success']);
      else if (found.length === 1)
        expect(
          visible.has(found[0]!.status),
          `${o.request.id} failed (${o.status}) but its execution is ${found[0]!.status}`,
        ).toBe(true);
      else unmatched.push(o);
    }
    const anonymous = rows.filter((r) => r.ids.length === 0);
    expect(anonymous.map((r) => r.status).filter((s) => !visible.has(s))).toEqual([]);
    expect(anonymous).toHaveLength(unmatched.length);
    expect(rows).toHaveLength(batch.length); // one execution per request: none missing, none extra
    // the executions the killed worker had taken off the queue, by its own event log
    // (n8n.queue.job.dequeued, with the executionId)
    const eventLog = join(killed.folder, '.n8n', 'n8nEventLog-worker.log');
    const started = new Set<string>();
    if (existsSync(eventLog)) {
      for (const line of readFileSync(eventLog, 'utf8').split('\n')) {
        const execution = /"eventName":"n8n\.queue\.job\.dequeued".*"executionId":"?(\d+)/.exec(line)?.[1];
        if (execution) started.add(execution);
      }
    }
    expect(started.size, `${eventLog} names the jobs the worker took`).toBeGreaterThan(0);
    const taken = [...started].filter((e) => Number(e) > before);
    // in flight: taken by the killed worker, not finished when it died (by PostgreSQL, not by its event
    // log, whose last lines a SIGKILL may cut off)
    const inFlight = taken.map(Number).filter((e) => openAtKill.has(e));
    const statusOf = new Map(rows.map((r) => [r.id, r.status]));
    const moved = inFlight.filter((e) => statusOf.get(e) === 'success').length;
    const crashed = inFlight.filter((e) => visible.has(statusOf.get(e) ?? '')).length;
    expect(moved + crashed).toBe(inFlight.length);
    const failed = outcomes.filter((o) => !o.correct);
    const answers = [
      ...new Set(failed.map((o) => (o.status === 0 ? `no answer (${o.error})` : `HTTP ${o.status}`))),
    ];
    report.push(
      `b: 150 requests, worker ${killed.index} SIGKILLed after 30 answers: ${outcomes.length - failed.length} answered right, ${failed.length} failed visibly ` +
        `(${answers.join(', ')}; ${rows.filter((r) => r.status === 'crashed').length} crashed, ${rows.filter((r) => r.status === 'error').length} error in n8n's list, ${anonymous.length} of them stored without the request's data); ` +
        `the killed worker had taken ${taken.length} of them, ${inFlight.length} in flight when it died: ${moved} finished elsewhere (n8n retries no stalled job: maxStalledCount 0), ${crashed} marked failed`,
    );
  });

  it('d. throughput with 1 worker, and the ratio', async () => {
    expect(stack!.workers).toHaveLength(1);
    const one = await throughput(100);
    report.push(
      `d: 1 worker ${one.toFixed(1)} executions/s; 2 workers ${twoWorkers.toFixed(1)}/s: ratio ${(twoWorkers / one).toFixed(2)} (benchmark, not asserted)`,
    );
    for (const w of stack!.workers)
      report.push(`  worker ${w.index} (pid ${w.pid}) RSS ${(w.rss() / 2 ** 20).toFixed(0)} MiB`);
  });

  it('c. the main instance killed and restarted with executions queued: every one finishes, once, success', async () => {
    await stack!.startWorker(); // two again
    const before = await lastExecutionId();
    const batch = requests('c', 100);
    const pending = Promise.all(batch.map(execute));
    // all 100 enqueued (an execution row each), then main goes
    const deadline = Date.now() + 60_000;
    while ((await executionsAfter(before)).length < 100) {
      if (Date.now() > deadline) throw new Error('the 100 executions were not all created within 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const open = (await executionsAfter(before)).filter((r) => r.status !== 'success').length;
    expect(open, 'executions still queued or running when main goes').toBeGreaterThan(0);
    await stack!.restartMain('SIGKILL');
    const outcomes = await pending;
    const rows = await settled(before);
    const executions = byRequest(rows);
    for (const { id } of batch)
      expect(
        executions.get(id)?.map((e) => e.status),
        id,
      ).toEqual(['success']);
    expect(rows).toHaveLength(100);
    // the new main answers webhooks
    const after = await Promise.all(requests('c', 4).map(execute));
    expect(after.map((o) => o.correct)).toEqual([true, true, true, true]);
    report.push(
      `c: 100 enqueued, main SIGKILLed with ${open} not yet finished (${outcomes.filter((o) => o.correct).length} answered before it went): all 100 finished success, once each; the new main answers`,
    );
  });

  it('stops everything: no process of the stack is left', async () => {
    // every process it started (n8n, task runners, PostgreSQL and its backends, Redis), found
    // before stopping: once stopped, an orphan would have another parent
    const started = processesInGroups(stack!.processGroups());
    expect(started.length).toBeGreaterThanOrEqual(10); // main, 2 workers, runners, PostgreSQL's, Redis
    await stack!.stop();
    expect(stillAlive(started)).toEqual([]);
    stack = undefined;
  });
});
