/**
 * Arguments for a tool, read from a request in plain words by walking the tool's zod schema — the
 * router agent's replacement for an LLM's function calling. Each field takes what its type can
 * take from the request, in field order:
 *
 *   enum            → the value the request mentions (longest match; "bag of words" = bagOfWords)
 *   number          → the request's numbers, in order (quoted text excluded)
 *   number[]        → all the remaining numbers
 *   number[][]      → a written array literal [[0,0],[0,1]] (parsed as JSON, never evaluated)
 *   boolean         → true when the field's name is mentioned ("causal", "with derivative"),
 *                     false after "no"/"without"
 *   string          → quoted text in order, else "between A and B" (A, then B), else the phrase
 *                     after "about" / "of" / "for" / ":"
 *   string[]        → every quoted text, else the list after ":" (commas, "and")
 *
 * A field the request says nothing about is left out, so its default applies. The result is then
 * validated by the schema itself (see router-agent.ts), so a wrong guess is refused, never run.
 */

/** Minimal view of a zod (v3) schema node: its definition. */
interface ZodLike {
  _def: { typeName?: string; [key: string]: unknown };
}

const typeName = (s: ZodLike): string => s._def.typeName ?? '';

/** The schema under defaults, optionals, nullables, effects (refine) and descriptions. */
export function unwrap(schema: ZodLike): ZodLike {
  let s = schema;
  for (;;) {
    const t = typeName(s);
    if (t === 'ZodDefault' || t === 'ZodOptional' || t === 'ZodNullable' || t === 'ZodReadonly')
      s = s._def.innerType as ZodLike;
    else if (t === 'ZodEffects') s = s._def.schema as ZodLike;
    else if (t === 'ZodBranded' || t === 'ZodCatch') s = (s._def.type ?? s._def.innerType) as ZodLike;
    else return s;
  }
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const QUOTED = /"([^"]+)"|“([^”]+)”|'([^']{2,})'(?![a-z])/g;

/** What a request offers: quoted texts, numbers, phrases, array literals. */
export interface RequestParts {
  text: string;
  quoted: string[];
  numbers: number[];
  phrases: string[];
  arrays: unknown[];
}

/** Splits a request into the parts the field rules take from. */
export function requestParts(text: string): RequestParts {
  const quoted = [...text.matchAll(QUOTED)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  const bare = text.replace(QUOTED, ' ');
  const arrays: unknown[] = [];
  for (const m of bare.matchAll(/\[\s*\[[\d\s.,\-[\]]*\]\s*\]/g)) {
    try {
      arrays.push(JSON.parse(m[0])); // JSON only: a data literal, never code
    } catch {
      // not a well-formed array: ignore
    }
  }
  const plain = bare.replace(/\[\s*\[[\d\s.,\-[\]]*\]\s*\]/g, ' ');
  const numbers = [...plain.matchAll(/(?<![\w.])-?\d+(?:\.\d+)?(?![\w])/g)].map((m) => Number(m[0]));
  const clean = (s: string) => s.replace(/[?.!]+\s*$/, '').trim();
  let phrases: string[] = [];
  const between = /\bbetween\s+(.+?)\s+and\s+(.+?)(?:[?.!,;]|$)/i.exec(bare);
  if (between) phrases = [clean(between[1]!), clean(between[2]!)];
  else {
    const after = /(?::|\babout\b|\bof\b|\bfor\b)\s+([^:]+?)\s*$/i.exec(bare);
    if (after && clean(after[1]!) !== '') phrases = [clean(after[1]!)];
  }
  return { text, quoted, numbers, phrases, arrays };
}

/** The enum value a request mentions (longest match), or undefined. */
export function mentionedValue(values: readonly unknown[], text: string): unknown {
  const request = norm(text);
  let best: unknown;
  let bestLength = 0;
  for (const v of values) {
    const forms = [norm(String(v)), norm(String(v).split('-')[0] ?? '')].filter((f) => f.length >= 2);
    for (const f of forms)
      if (f.length > bestLength && request.includes(f)) [best, bestLength] = [v, f.length];
  }
  return best;
}

const words = (name: string) =>
  name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** A field's value from the request, or undefined to leave the default. Consumes `parts`. */
function valueFor(name: string, schema: ZodLike, parts: RequestParts, strings: string[]): unknown {
  const s = unwrap(schema);
  switch (typeName(s)) {
    case 'ZodEnum':
      return mentionedValue(s._def.values as unknown[], parts.text);
    case 'ZodNativeEnum':
      return mentionedValue(Object.values(s._def.values as object), parts.text);
    case 'ZodNumber':
      return parts.numbers.shift();
    case 'ZodBoolean': {
      const phrase = words(name).join(' ');
      const lower = parts.text.toLowerCase();
      if (new RegExp(`\\b(no|without|not)\\s+${phrase}`).test(lower)) return false;
      return new RegExp(`\\b${phrase}`).test(lower) ? true : undefined;
    }
    case 'ZodString':
      return strings.shift();
    case 'ZodArray': {
      const item = unwrap(s._def.type as ZodLike);
      const t = typeName(item);
      if (t === 'ZodNumber') return parts.numbers.length > 0 ? parts.numbers.splice(0) : undefined;
      if (t === 'ZodArray') return parts.arrays.shift();
      if (t === 'ZodString') {
        if (parts.quoted.length > 0) return parts.quoted.splice(0);
        const list = /:\s*(.+)$/.exec(parts.text)?.[1];
        return list
          ?.replace(/[?.!]+\s*$/, '')
          .split(/\s*,\s*|\s+and\s+|\s+/)
          .filter(Boolean);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The arguments the request gives for an object schema's fields (only those it gives). */
export function extractArguments(schema: unknown, request: string): Record<string, unknown> {
  const s = unwrap(schema as ZodLike);
  if (typeName(s) !== 'ZodObject') return {};
  const shape = (
    typeof s._def.shape === 'function' ? (s._def.shape as () => object)() : s._def.shape
  ) as Record<string, ZodLike>;
  const parts = requestParts(request);
  // quoted texts first, else the phrases; each string field takes the next one
  const strings = parts.quoted.length > 0 ? [...parts.quoted] : [...parts.phrases];
  const args: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shape)) {
    const v = valueFor(name, field, parts, strings);
    if (v !== undefined) args[name] = v;
  }
  return args;
}
