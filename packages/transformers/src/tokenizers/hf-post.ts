/**
 * The two ends of a Hugging Face `tokenizer.json` pipeline after the model:
 *
 * **Post-processors** put a model's special tokens around the encoded text(s):
 *   TemplateProcessing {single, pair, special_tokens}   "[CLS] $A [SEP]" / "$A </s>" / "<s> $A"
 *   BertProcessing {cls, sep}       [CLS] A [SEP] B [SEP], token types 0…0 1…1
 *   RobertaProcessing {cls, sep}    <s> A </s> </s> B </s>
 *   ByteLevel                       nothing (it only trims offsets)
 *   Sequence {processors}
 *
 * **Decoders** turn pieces back into text, as the Rust library's `decode_chain`: each takes the list
 * of pieces and returns a list; the final text is their concatenation (no decoder: pieces joined
 * with spaces).
 *   ByteLevel        byte-level characters → bytes → UTF-8 (a piece with another character is its own UTF-8)
 *   Metaspace        "▁" → " ", dropped in the first piece unless prepend_scheme is "never"
 *   WordPiece {prefix, cleanup}   "##" glues to the previous piece, others get a space
 *   BPEDecoder {suffix}           "</w>" ends a word
 *   ByteFallback     runs of `<0xE2>` pieces → their UTF-8 text (invalid bytes → one "�" each)
 *   Fuse             all pieces → one
 *   Strip {content, start, stop}  up to `start` leading / `stop` trailing copies of `content`
 *   Replace {pattern, content}
 *   Sequence {decoders}
 */
import { bytesToUnicode } from './bpe.js';
import {
  type At,
  asArray,
  asInteger,
  asObject,
  asString,
  child,
  fail,
  getBool,
  getString,
  readPattern,
  stepType,
  unsupported,
} from './hf-json.js';
import { readMetaspace } from './hf-pre-tokenizers.js';

/** One encoded text on its way out: ids, pieces, token types, which are special. */
export interface Encoded {
  ids: number[];
  tokens: string[];
  typeIds: number[];
  special: boolean[];
}

/**
 * The Rust library's `process_encodings`: the text's encoding (and the pair's) in, encodings out;
 * the tokenizer concatenates what comes out. Template, Bert and Roberta join the pair into one.
 */
export type PostProcessor = (encodings: Encoded[]) => Encoded[];
export type Decoder = (tokens: string[]) => string[];

const POST_PROCESSORS = [
  'TemplateProcessing',
  'BertProcessing',
  'RobertaProcessing',
  'ByteLevel',
  'Sequence',
] as const;
const DECODERS = [
  'ByteLevel',
  'Metaspace',
  'WordPiece',
  'BPEDecoder',
  'ByteFallback',
  'Fuse',
  'Strip',
  'Replace',
  'Sequence',
] as const;

const special = (id: number, token: string, typeId: number): Encoded => ({
  ids: [id],
  tokens: [token],
  typeIds: [typeId],
  special: [true],
});

/**
 * Concatenates encodings; `typeId` (when given) overrides the token types of `parts`. Native
 * `Array.prototype.concat` copies each list in one pass (pushing a 1 MB text's tokens one by one
 * grew the arrays step by step: 10 KB → 100 KB took 30× longer).
 */
export function concat(parts: Array<Encoded | { e: Encoded; typeId: number }>): Encoded {
  const es = parts.map((p) => ('e' in p ? p.e : p));
  return {
    ids: ([] as number[]).concat(...es.map((e) => e.ids)),
    tokens: ([] as string[]).concat(...es.map((e) => e.tokens)),
    typeIds: ([] as number[]).concat(
      ...parts.map((p) => ('e' in p ? new Array<number>(p.e.ids.length).fill(p.typeId) : p.typeIds)),
    ),
    special: ([] as boolean[]).concat(...es.map((e) => e.special)),
  };
}

/** A `[token, id]` pair (BertProcessing's and RobertaProcessing's cls / sep). */
function tokenPair(v: unknown, at: At): [string, number] {
  const a = asArray(v, at);
  if (a.length !== 2) fail(at, 'must be [token, id]');
  return [asString(a[0], child(at, 0)), asInteger(a[1], child(at, 1))];
}

type TemplatePiece = { seq: 'A' | 'B'; typeId: number } | { special: Encoded };

function readTemplate(v: unknown, at: At, specials: Map<string, Encoded>, specialsAt: At): TemplatePiece[] {
  return asArray(v, at).map((p, i) => {
    const pAt = child(at, i);
    const o = asObject(p, pAt);
    if (o.Sequence !== undefined) {
      const s = asObject(o.Sequence, child(pAt, 'Sequence'));
      const id = getString(s, 'id', child(pAt, 'Sequence'));
      if (id !== 'A' && id !== 'B')
        fail(child(child(pAt, 'Sequence'), 'id'), `must be "A" or "B", got ${JSON.stringify(id)}`);
      return {
        seq: id as 'A' | 'B',
        typeId: asInteger(s.type_id ?? 0, child(child(pAt, 'Sequence'), 'type_id')),
      };
    }
    if (o.SpecialToken !== undefined) {
      const sAt = child(pAt, 'SpecialToken');
      const s = asObject(o.SpecialToken, sAt);
      const id = getString(s, 'id', sAt);
      const typeId = asInteger(s.type_id ?? 0, child(sAt, 'type_id'));
      const e = specials.get(id);
      if (e === undefined) fail(child(sAt, 'id'), `${JSON.stringify(id)} is not in ${specialsAt.path}`);
      return { special: { ...e!, typeIds: e!.ids.map(() => typeId) } };
    }
    return fail(pAt, 'must be { "Sequence": … } or { "SpecialToken": … }');
  });
}

/** A `post_processor` step of tokenizer.json (`null` → none). */
export function readPostProcessor(json: unknown, at: At): PostProcessor | null {
  if (json === null || json === undefined) return null;
  const o = asObject(json, at);
  const type = stepType(o, at);
  switch (type) {
    case 'TemplateProcessing': {
      const specialsAt = child(at, 'special_tokens');
      const specials = new Map<string, Encoded>();
      for (const [name, v] of Object.entries(asObject(o.special_tokens ?? {}, specialsAt))) {
        const sAt = child(specialsAt, JSON.stringify(name));
        const s = asObject(v, sAt);
        const ids = asArray(s.ids, child(sAt, 'ids')).map((id, i) =>
          asInteger(id, child(child(sAt, 'ids'), i)),
        );
        const tokens = asArray(s.tokens, child(sAt, 'tokens')).map((t, i) =>
          asString(t, child(child(sAt, 'tokens'), i)),
        );
        if (ids.length !== tokens.length) fail(sAt, `has ${ids.length} ids but ${tokens.length} tokens`);
        specials.set(name, { ids, tokens, typeIds: ids.map(() => 0), special: ids.map(() => true) });
      }
      const single = readTemplate(o.single, child(at, 'single'), specials, specialsAt);
      const pair = o.pair == null ? null : readTemplate(o.pair, child(at, 'pair'), specials, specialsAt);
      return ([a, b]) => {
        const template = b === undefined ? single : pair;
        if (template === null)
          return fail(child(at, 'pair'), 'is missing, so this tokenizer cannot encode a pair of texts');
        return [
          concat(
            template.map((p) =>
              'special' in p ? p.special : { e: p.seq === 'A' ? a! : (b ?? a!), typeId: p.typeId },
            ),
          ),
        ];
      };
    }
    case 'BertProcessing':
    case 'RobertaProcessing': {
      const [clsT, cls] = tokenPair(o.cls, child(at, 'cls'));
      const [sepT, sep] = tokenPair(o.sep, child(at, 'sep'));
      const roberta = type === 'RobertaProcessing';
      return ([a, b]) => {
        const first = concat([special(cls, clsT, 0), { e: a!, typeId: 0 }, special(sep, sepT, 0)]);
        if (b === undefined) return [first];
        const t = roberta ? 0 : 1;
        const second = roberta
          ? [special(sep, sepT, 0), { e: b, typeId: 0 }, special(sep, sepT, 0)]
          : [{ e: b, typeId: 1 }, special(sep, sepT, t)];
        return [concat([first, ...second])];
      };
    }
    case 'ByteLevel':
      return (encodings) => encodings;
    case 'Sequence': {
      const steps = asArray(o.processors, child(at, 'processors'))
        .map((p, i) => readPostProcessor(p, child(child(at, 'processors'), i)))
        .filter((p): p is PostProcessor => p !== null);
      return (encodings) => steps.reduce((e, s) => s(e), encodings);
    }
    default:
      return unsupported('post-processor', type, at, POST_PROCESSORS);
  }
}

const CHAR_TO_BYTE = new Map(bytesToUnicode().map((c, b) => [c, b]));
const utf8 = new TextEncoder();
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Hugging Face's cleanup rules, in the Rust library's order: spaces before punctuation and
 * contractions removed. 🤗 Transformers' `clean_up_tokenization` has all but " do not".
 */
const CLEANUP_RULES: readonly (readonly [string, string])[] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [' do not', " don't"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];
const SPACES_RULES = CLEANUP_RULES.filter(([from]) => from !== ' do not');
const cleanUp = (s: string, rules: typeof CLEANUP_RULES) =>
  rules.reduce((t, [from, to]) => t.replaceAll(from, to), s);

/** WordPiece's `cleanup`: spaces before punctuation and contractions removed (Rust `cleanup`). */
export const cleanUpTokenization = (s: string): string => cleanUp(s, CLEANUP_RULES);

/**
 * 🤗 Transformers' `clean_up_tokenization` (what `decode(…, clean_up_tokenization_spaces=True)` runs
 * on the decoded text): the WordPiece cleanup without its " do not" rule.
 */
export const cleanUpTokenizationSpaces = (s: string): string => cleanUp(s, SPACES_RULES);

/** A `decoder` step of tokenizer.json (`null` → none). */
export function readDecoder(json: unknown, at: At): Decoder | null {
  if (json === null || json === undefined) return null;
  const o = asObject(json, at);
  const type = stepType(o, at);
  switch (type) {
    case 'ByteLevel':
      return (tokens) => {
        const bytes: number[] = [];
        for (const t of tokens) {
          const chars = Array.from(t, (c) => CHAR_TO_BYTE.get(c));
          if (chars.every((b) => b !== undefined)) for (const b of chars) bytes.push(b!);
          else for (const b of utf8.encode(t)) bytes.push(b);
        }
        return [lossy.decode(Uint8Array.from(bytes))];
      };
    case 'Metaspace': {
      const m = readMetaspace(o, at);
      return (tokens) =>
        tokens.map((t, i) => t.replaceAll(m.replacement, i === 0 && m.prependScheme !== 'never' ? '' : ' '));
    }
    case 'WordPiece': {
      const prefix = getString(o, 'prefix', at, '##');
      const cleanup = getBool(o, 'cleanup', at, true);
      return (tokens) =>
        tokens.map((t, i) => {
          let s = t;
          if (i !== 0) s = s.startsWith(prefix) ? s.replace(prefix, '') : ` ${s}`;
          return cleanup ? cleanUpTokenization(s) : s;
        });
    }
    case 'BPEDecoder': {
      const suffix = getString(o, 'suffix', at, '</w>');
      return (tokens) => tokens.map((t, i) => t.replaceAll(suffix, i === tokens.length - 1 ? '' : ' '));
    }
    case 'ByteFallback':
      return byteFallback;
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'Strip': {
      const content = getString(o, 'content', at);
      if ([...content].length !== 1) fail(child(at, 'content'), 'must be one character');
      const start = asInteger(o.start ?? 0, child(at, 'start'));
      const stop = asInteger(o.stop ?? 0, child(at, 'stop'));
      return (tokens) =>
        tokens.map((t) => {
          const chars = Array.from(t);
          let s = 0;
          while (s < start && s < chars.length && chars[s] === content) s++;
          let e = chars.length;
          while (chars.length - e < stop && e > s && chars[e - 1] === content) e--;
          return chars.slice(s, e).join('');
        });
    }
    case 'Replace': {
      const re = readPattern(o.pattern, child(at, 'pattern'));
      const content = getString(o, 'content', at);
      return (tokens) => tokens.map((t) => t.replace(re, () => content));
    }
    case 'Sequence': {
      const steps = asArray(o.decoders, child(at, 'decoders'))
        .map((d, i) => readDecoder(d, child(child(at, 'decoders'), i)))
        .filter((d): d is Decoder => d !== null);
      return (tokens) => steps.reduce((t, d) => d(t), tokens);
    }
    default:
      return unsupported('decoder', type, at, DECODERS);
  }
}

/** `<0xE2><0x82><0xAC>` → "€"; bytes that are not valid UTF-8 → one "�" per byte (Rust ByteFallback). */
function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    try {
      out.push(strict.decode(Uint8Array.from(bytes)));
    } catch {
      for (let i = 0; i < bytes.length; i++) out.push('\uFFFD');
    }
    bytes = [];
  };
  for (const t of tokens) {
    const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
    if (m) bytes.push(Number.parseInt(m[1]!, 16));
    else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out;
}
