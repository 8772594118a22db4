/**
 * Every Firth tool bounds what an agent (or a prompt-injected model) can send it: each string,
 * array and record in each tool's zod schema has a maximum, none above @firth/numeric's
 * MAX_TEXT_LENGTH, so a 10 MB argument is refused by the schema before the tool body runs.
 */
import { MAX_TEXT_LENGTH } from '@firth/numeric';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import type { ZodTypeAny } from 'zod';
import { agentTools } from './tools.js';

interface Def {
  typeName: string;
  checks?: { kind: string; value: number }[];
  maxLength?: { value: number } | null;
  exactLength?: { value: number } | null;
  innerType?: ZodTypeAny;
  schema?: ZodTypeAny;
  type?: ZodTypeAny;
  options?: ZodTypeAny[];
  items?: ZodTypeAny[];
  valueType?: ZodTypeAny;
  shape?: () => Record<string, ZodTypeAny>;
}

/** Every unbounded string/array/record under `schema`, as JSON paths. */
function unbounded(schema: ZodTypeAny, path: string): string[] {
  const def = schema._def as Def;
  const max = (n: number | undefined) =>
    n === undefined ? [`${path}: no maximum`] : n > MAX_TEXT_LENGTH ? [`${path}: maximum ${n}`] : [];
  switch (def.typeName) {
    case 'ZodString':
      return max(def.checks?.find((c) => c.kind === 'max' || c.kind === 'length')?.value);
    case 'ZodArray':
      return [...max(def.maxLength?.value ?? def.exactLength?.value), ...unbounded(def.type!, `${path}[]`)];
    case 'ZodRecord':
      // z.record has no entry limit of its own: a bounded record is a refined one
      return [`${path}: a record with no entry limit`, ...unbounded(def.valueType!, `${path}{}`)];
    case 'ZodObject':
      return Object.entries(def.shape!()).flatMap(([k, v]) => unbounded(v, `${path}.${k}`));
    case 'ZodOptional':
    case 'ZodNullable':
    case 'ZodDefault':
      return unbounded(def.innerType!, path);
    case 'ZodEffects': {
      // llm-tools' boundedRecord: a refined record that says its entry limit
      const entries = (schema as ZodTypeAny & { maxEntries?: number }).maxEntries;
      const inner = def.schema!._def as Def;
      if (entries !== undefined && inner.typeName === 'ZodRecord')
        return [...max(entries), ...unbounded(inner.valueType!, `${path}{}`)];
      return unbounded(def.schema!, path);
    }
    case 'ZodUnion':
      return def.options!.flatMap((o, i) => unbounded(o, `${path}|${i}`));
    case 'ZodTuple':
      return def.items!.flatMap((o, i) => unbounded(o, `${path}[${i}]`));
    default:
      return [];
  }
}

const tools: StructuredToolInterface[] = agentTools();

describe('tool argument limits', () => {
  it('the walk itself finds unbounded fields (it can fail)', async () => {
    const { z } = await import('zod');
    expect(unbounded(z.object({ a: z.string(), b: z.array(z.string().max(3)) }), '$')).toEqual([
      '$.a: no maximum',
      '$.b: no maximum',
    ]);
    expect(unbounded(z.object({ a: z.string().max(10) }), '$')).toEqual([]);
  });

  it('every string, array and record in every tool schema has a maximum ≤ MAX_TEXT_LENGTH', () => {
    expect(tools.length).toBeGreaterThanOrEqual(20);
    const problems = tools.flatMap((t) => unbounded(t.schema as ZodTypeAny, t.name));
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
