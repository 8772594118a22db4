/**
 * Tool calls from a model that cannot reason about tools: a documented, deterministic policy, so
 * that clients and agents (LangChain, n8n's AI Agent) get well-formed `tool_calls` to run.
 *
 * Which tool (none = answer in text):
 *   1. `tool_choice: 'none'`, or no tools → none.
 *   2. Tool results came after the last user message → none: the turn is answered in text (this is
 *      what ends an agent's loop).
 *   3. `tool_choice` names a function → that one.
 *   4. Exactly one tool → that one (`auto` or `required`).
 *   5. Several → the one whose name and description share the most words (3+ letters, any case)
 *      with the question; ties → the first listed. With `auto` and no shared word → none;
 *      with `required` → the first tool.
 *
 * The question is the last user message made standalone from the earlier turns (chat-template.ts'
 * `toolQuestion`): earlier user and assistant messages are read for a follow-up, so after "What is
 * BERT?" the question "How is it pretrained?" is read as "How is BERT pretrained?"; a self-contained
 * question is read as it is.
 *
 * Its arguments come from its JSON schema and the question (`valueForSchema`):
 *   `const` or `default` if given; an `enum` → the first value that appears in the question, else
 *   the first value; string → the question (cut to `maxLength`); number/integer → the numbers of the
 *   question in order (the first numeric field gets the first number, …; none left → `minimum` or
 *   0; clamped to [minimum, maximum]); boolean → true when the question says "true" or "yes";
 *   array → one item; object → its required properties, each once (all of them when it lists
 *   none); `anyOf`/`oneOf` → the first branch. One call per turn: the local model makes no
 *   parallel calls. The walk is bounded (valueForSchema's budget): each node is visited once, and
 *   a schema whose value would take more than limits.maxSchemaNodes steps or hold more than
 *   limits.maxSchemaValueChars characters of text is a 400.
 *
 * After tool results (rule 2), the text answer relays the results, in order, separated by a blank
 * line (chat-run.ts): the story model cannot read them, and continuing the question would bury what
 * the tools found. So an agent on the local server ends with its tools' answer. Each result is
 * relayed as its text (`toolResultText`): verbatim, except that JSON holding one text — a string, a
 * list of one item, an object of one field — is that text. n8n hands a node used as a tool to the
 * agent as the JSON list of its output items, so a node answering in one field (Firth RAG Answer's
 * `response`: the answer with its numbered sources) reaches the user as prose, not as
 * `[{"response":"…"}]`. (With a JSON response format the model generates as usual.)
 */
import { createHash } from 'node:crypto';
import { invalid } from './http.js';
import { DEFAULT_LIMITS, overLimit, type ServerLimits } from './limits.js';

export type JsonSchema = { [key: string]: unknown };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export type ToolChoice = 'none' | 'auto' | 'required' | { name: string };

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as a JSON object. */
  arguments: Record<string, unknown>;
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks the part of JSON Schema the policy reads; throws a 400 naming the bad field. The walk is
 * bounded: at most `limits.maxSchemaDepth` levels and `limits.maxSchemaNodes` nodes (sub-schemas,
 * `required` and `enum` entries), and a `required` name may appear once — so the value built
 * from a valid schema costs at most one visit per node.
 */
export function validateSchema(
  schema: unknown,
  param: string,
  limits: ServerLimits = DEFAULT_LIMITS,
): asserts schema is JsonSchema {
  const budget = { nodes: 0 };
  walkSchema(schema, param, 0, limits, budget, param);
}

function walkSchema(
  schema: unknown,
  param: string,
  depth: number,
  limits: ServerLimits,
  budget: { nodes: number },
  root: string,
): asserts schema is JsonSchema {
  if (!isObject(schema)) throw invalid(`${param} must be a JSON Schema object`, param);
  if (depth > limits.maxSchemaDepth)
    throw invalid(
      `${param} is nested too deeply: this server accepts schemas ${limits.maxSchemaDepth} levels deep (limits.maxSchemaDepth)`,
      param,
      'limit_exceeded',
    );
  const count = (n: number) => {
    budget.nodes += n;
    if (budget.nodes > limits.maxSchemaNodes)
      throw overLimit(root, root, budget.nodes, 'schema nodes or more', 'maxSchemaNodes', limits);
  };
  count(1);
  const { type, properties, required, items, enum: enumValues, anyOf, oneOf } = schema;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  for (const t of types)
    if (typeof t !== 'string' || !TYPES.has(t))
      throw invalid(`${param}.type must be one of ${[...TYPES].join(', ')}, got ${JSON.stringify(t)}`, param);
  if (properties !== undefined) {
    if (!isObject(properties)) throw invalid(`${param}.properties must be an object`, param);
    for (const [k, v] of Object.entries(properties))
      walkSchema(v, `${param}.properties.${k}`, depth + 1, limits, budget, root);
  }
  if (required !== undefined) {
    if (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))
      throw invalid(`${param}.required must be an array of property names`, param);
    count(required.length);
    const seen = new Set<string>();
    for (const r of required as string[]) {
      if (!isObject(properties) || !Object.hasOwn(properties, r))
        throw invalid(`${param}.required names "${r}", which is not in properties`, param);
      if (seen.has(r)) throw invalid(`${param}.required names "${r}" twice`, param);
      seen.add(r);
    }
  }
  if (items !== undefined) walkSchema(items, `${param}.items`, depth + 1, limits, budget, root);
  if (enumValues !== undefined) {
    if (!Array.isArray(enumValues) || enumValues.length === 0)
      throw invalid(`${param}.enum must be a non-empty array`, param);
    count(enumValues.length);
  }
  for (const [key, branches] of [['anyOf', anyOf] as const, ['oneOf', oneOf] as const])
    if (branches !== undefined) {
      if (!Array.isArray(branches) || branches.length === 0)
        throw invalid(`${param}.${key} must be a non-empty array of schemas`, param);
      for (const [i, b] of branches.entries())
        walkSchema(b, `${param}.${key}[${i}]`, depth + 1, limits, budget, root);
    }
}

/** Validates OpenAI-style `tools` (`[{ type: 'function', function: { name, description, parameters } }]`). */
export function parseTools(raw: unknown, limits: ServerLimits = DEFAULT_LIMITS): ToolSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('tools must be an array', 'tools');
  if (raw.length > limits.maxTools)
    throw overLimit('tools', 'tools', raw.length, 'functions', 'maxTools', limits);
  const tools = raw.map((t, i): ToolSpec => {
    const p = `tools[${i}]`;
    if (!isObject(t) || (t.type !== undefined && t.type !== 'function') || !isObject(t.function))
      throw invalid(`${p} must be { type: 'function', function: { name, description, parameters } }`, p);
    const { name, description, parameters } = t.function;
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name))
      throw invalid(`${p}.function.name must be 1–64 letters, digits, _ or -`, `${p}.function.name`);
    if (description !== undefined && typeof description !== 'string')
      throw invalid(`${p}.function.description must be a string`, `${p}.function.description`);
    const params = parameters ?? { type: 'object', properties: {} };
    validateSchema(params, `${p}.function.parameters`, limits);
    if (params.type !== undefined && params.type !== 'object')
      throw invalid(
        `${p}.function.parameters must describe an object (type "object")`,
        `${p}.function.parameters`,
      );
    return { name, description: description ?? '', parameters: params };
  });
  const names = new Set<string>();
  for (const { name } of tools) {
    if (names.has(name)) throw invalid(`tools lists the function "${name}" twice`, 'tools');
    names.add(name);
  }
  return tools;
}

/** Validates `tool_choice` against the tools given. */
export function parseToolChoice(raw: unknown, tools: readonly ToolSpec[]): ToolChoice {
  if (raw === undefined || raw === null) return 'auto';
  if (raw === 'none' || raw === 'auto' || raw === 'required') {
    if (raw === 'required' && tools.length === 0)
      throw invalid('tool_choice "required" needs tools', 'tool_choice');
    return raw;
  }
  if (isObject(raw) && isObject(raw.function) && typeof raw.function.name === 'string') {
    const name = raw.function.name;
    if (!tools.some((t) => t.name === name))
      throw invalid(`tool_choice names the function "${name}", which is not in tools`, 'tool_choice');
    return { name };
  }
  throw invalid(
    'tool_choice must be "none", "auto", "required" or { type: "function", function: { name } }',
    'tool_choice',
  );
}

const words = (text: string) =>
  new Set(
    text
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 3),
  );

/** Whether this turn may call a tool at all: tools offered, not 'none', no tool results to answer yet. */
export function mayCallTool(
  tools: readonly ToolSpec[],
  choice: ToolChoice,
  toolResultsSinceUser: boolean,
): boolean {
  return choice !== 'none' && tools.length > 0 && !toolResultsSinceUser;
}

/** Rules 1–5 above: the tool to call, or null to answer in text. */
export function chooseTool(
  tools: readonly ToolSpec[],
  choice: ToolChoice,
  userText: string,
  toolResultsSinceUser: boolean,
): ToolSpec | null {
  if (!mayCallTool(tools, choice, toolResultsSinceUser)) return null;
  if (typeof choice === 'object') return tools.find((t) => t.name === choice.name) ?? null;
  if (tools.length === 1) return tools[0]!;
  const asked = words(userText);
  let best: ToolSpec | null = null;
  let bestScore = 0;
  for (const t of tools) {
    const described = words(`${t.name.replace(/[_-]/g, ' ')} ${t.description}`);
    const score = [...asked].filter((w) => described.has(w)).length;
    if (score > bestScore) [best, bestScore] = [t, score];
  }
  return best ?? (choice === 'required' ? tools[0]! : null);
}

/** What building one value may cost: nodes visited and characters of text placed in it. */
export interface ValueBudget {
  maxNodes: number;
  maxChars: number;
}

/**
 * A value that fits `schema`, filled from `text` (rules above). Each sub-schema is visited at most
 * once per place it is referenced and repeated `required` names once, and the walk stops with a
 * 400 past `budget.maxNodes` visits or `budget.maxChars` characters of text — so even a schema
 * that was never validated (a shared sub-schema referenced from everywhere) costs a bounded time.
 */
export function valueForSchema(
  schema: JsonSchema,
  text: string,
  budget: ValueBudget = {
    maxNodes: DEFAULT_LIMITS.maxSchemaNodes,
    maxChars: DEFAULT_LIMITS.maxSchemaValueChars,
  },
): unknown {
  const state = { numbers: numbersIn(text), next: 0, nodes: 0, chars: 0 };
  return fill(schema, text, state, budget);
}

function fill(
  schema: JsonSchema,
  text: string,
  state: { numbers: number[]; next: number; nodes: number; chars: number },
  budget: ValueBudget,
): unknown {
  if (++state.nodes > budget.maxNodes)
    throw invalid(
      `the schema needs more than ${budget.maxNodes} steps to fill (limits.maxSchemaNodes)`,
      null,
      'limit_exceeded',
    );
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) {
    const lower = text.toLowerCase();
    return schema.enum.find((v) => lower.includes(String(v).toLowerCase())) ?? schema.enum[0];
  }
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches) && isObject(branches[0])) return fill(branches[0], text, state, budget);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  const type =
    types.find((t) => t !== 'null') ?? types[0] ?? (isObject(schema.properties) ? 'object' : 'string');
  const min = typeof schema.minimum === 'number' ? schema.minimum : Number.NEGATIVE_INFINITY;
  const max = typeof schema.maximum === 'number' ? schema.maximum : Number.POSITIVE_INFINITY;
  switch (type) {
    case 'string': {
      const value = typeof schema.maxLength === 'number' ? text.slice(0, schema.maxLength) : text;
      state.chars += value.length;
      if (state.chars > budget.maxChars)
        throw invalid(
          `the value built from the schema would hold more than ${budget.maxChars} characters of text (limits.maxSchemaValueChars)`,
          null,
          'limit_exceeded',
        );
      return value;
    }
    case 'number':
    case 'integer': {
      const n = state.numbers[state.next++] ?? (Number.isFinite(min) ? min : 0);
      const v = Math.min(max, Math.max(min, n));
      return type === 'integer' ? Math.trunc(v) : v;
    }
    case 'boolean':
      return /\b(true|yes)\b/i.test(text);
    case 'array':
      return isObject(schema.items) ? [fill(schema.items, text, state, budget)] : [];
    case 'null':
      return null;
    default: {
      const properties = isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
      const names = Array.isArray(schema.required)
        ? [...new Set(schema.required.filter((k): k is string => typeof k === 'string'))]
        : Object.keys(properties);
      return Object.fromEntries(
        names.map((k) => {
          const sub = Object.hasOwn(properties, k) ? properties[k] : undefined;
          return [k, fill(isObject(sub) ? sub : {}, text, state, budget)];
        }),
      );
    }
  }
}

/**
 * A tool result as the text relayed to the user: JSON holding one text — a string, a list of one
 * item, an object of one field, nested — is that text; anything else (several items or fields,
 * numbers, prose that is not JSON) is relayed verbatim.
 *
 *   toolResultText('[{"response":"BERT is … [1]\\n\\nSources:\\n[1] bert.md — BERT > What it is"}]')
 *   // 'BERT is … [1]\n\nSources:\n[1] bert.md — BERT > What it is'
 *   toolResultText('[{"label":"positive","score":0.93}]') // unchanged
 */
export function toolResultText(content: string): string {
  if (!/^\s*[[{"]/.test(content)) return content;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return content;
  }
  for (;;) {
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.length === 1) value = value[0];
    else if (isObject(value) && Object.keys(value).length === 1) value = Object.values(value)[0];
    else return content;
  }
}

/** The numbers written in a text, in order: "add 2 and 3.5" → [2, 3.5]. */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
}

/** The tool call for `tool`: arguments from its schema, a deterministic id. */
export function toolCallFor(tool: ToolSpec, userText: string, turn: number, budget?: ValueBudget): ToolCall {
  const args = valueForSchema(tool.parameters, userText, budget) as Record<string, unknown>;
  const id = `call_${createHash('sha256')
    .update(`${turn}\n${tool.name}\n${JSON.stringify(args)}`)
    .digest('hex')
    .slice(0, 24)}`;
  return { id, name: tool.name, arguments: args };
}
