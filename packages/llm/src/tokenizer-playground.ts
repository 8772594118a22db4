/**
 * The tokenizer playground (course: "Tokenizer Playground"): one text cut by each of Firth's
 * tokenizers side by side with GPT-4o's (o200k_base, from the npm package gpt-tokenizer) — the
 * tokens, their ids, how many, and how many characters each token carries on average.
 *
 *   await compareTokenizers('Once upon a time', ['llama2c-tinystories', 'gpt-4o'])
 *   // [{ name: 'llama2c-tinystories', tokens: [' Once', ' upon', ' a', ' time'], ids: [403, 407, 261, 378],
 *   //    count: 4, charsPerToken: 4, shown: ['·Once', '·upon', '·a', '·time'] },
 *   //  { name: 'gpt-4o', tokens: ['Once', ' upon', ' a', ' time'], ids: [18049, 7557, 261, 1058],
 *   //    count: 4, charsPerToken: 4, shown: ['Once', '·upon', '·a', '·time'] }]
 *
 * A tokenizer trained on a small vocabulary cuts text into more, shorter pieces (tiny Shakespeare's
 * 65 characters: one token per character); GPT-4o's 200k-token vocabulary keeps common words whole.
 * A GPT-4o token that holds part of a multi-byte character shows its bytes, e.g. ' <0xF0><0x9F><0xA4>'.
 * The GPT-4o tables (gpt-tokenizer, 30 MB installed: an optional peer of this package) are loaded on
 * first use only; without the package the 'gpt-4o' column says what to install. A text longer than `MAX_TEXT_LENGTH`
 * (4 Mi UTF-16 units, the limit of every Firth tokenizer) is refused before any tokenizer runs.
 */

import { importOptional } from '@firth/numeric';
import {
  ByteLevelBPETokenizer,
  bytesToUnicode,
  MAX_TEXT_LENGTH,
  SHIPPED_TOKENIZERS,
  type ShippedTokenizerName,
  shippedTokenizer,
  tokenizeForDisplay,
} from '@firth/transformers';
import { LlmError } from './errors.js';

export const GPT4O_TOKENIZER = 'gpt-4o';
export const PLAYGROUND_TOKENIZERS = [...SHIPPED_TOKENIZERS, GPT4O_TOKENIZER] as const;
export type PlaygroundTokenizerName = (typeof PLAYGROUND_TOKENIZERS)[number];

export interface TokenizerView {
  name: PlaygroundTokenizerName;
  /** Each token as text. */
  tokens: string[];
  ids: number[];
  count: number;
  /** Characters (code points) per token, 2 decimals; 0 for an empty text. */
  charsPerToken: number;
  /**
   * Each token as the playground shows it (`visibleToken`): spaces as ·, newlines as ↵, tabs as →,
   * and a byte-level BPE token ('Ġw') as the text its bytes spell ('·w').
   */
  shown: string[];
  /** Why this tokenizer could not cut the text (e.g. a character outside its vocabulary). */
  error?: string;
}

const VISIBLE: Record<string, string> = { ' ': '·', '\n': '↵', '\t': '→', '\r': '␍' };

/**
 * A token with its whitespace made visible, as tokenizer playgrounds (tiktokenizer) show it:
 * a space is ·, a newline ↵, a tab →, a carriage return ␍; everything else stays.
 *
 *   visibleToken(' went') // '·went'
 *   visibleToken('\n\n')  // '↵↵'
 */
export function visibleToken(token: string): string {
  return token.replace(/[ \n\t\r]/g, (c) => VISIBLE[c]!);
}

const BYTE_OF_CHAR = new Map(bytesToUnicode().map((c, b) => [c, b]));

/** A byte-level BPE token ('Ġw', GPT-2's printable stand-ins for bytes) as the text of its bytes (' w'). */
function byteLevelText(token: string): string {
  const bytes: number[] = [];
  for (const c of token) {
    const b = BYTE_OF_CHAR.get(c);
    if (b === undefined) return token; // a special token such as '<|endoftext|>'
    bytes.push(b);
  }
  return bytesAsText(bytes);
}

type Gpt4o = {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  /** o200k_base's vocabulary by id: the token's text, or its bytes when they are not UTF-8 alone */
  ranks: (string | number[])[];
};
let gpt4o: Promise<Gpt4o> | null = null;

const FEATURE = "The tokenizer playground's gpt-4o";

/** GPT-4o's tokenizer (o200k_base), loaded once (a failed load is tried again on the next call). */
async function loadGpt4o(): Promise<Gpt4o> {
  gpt4o ??= Promise.all([
    importOptional(() => import('gpt-tokenizer/model/gpt-4o'), 'gpt-tokenizer', FEATURE),
    importOptional(() => import('gpt-tokenizer/bpeRanks/o200k_base'), 'gpt-tokenizer', FEATURE),
  ]).then(
    ([model, ranks]) => ({ encode: model.encode, ranks: ranks.default }),
    (error: unknown) => {
      gpt4o = null;
      throw error;
    },
  );
  return gpt4o;
}

// fatal: a cut character reads as its bytes; ignoreBOM: a U+FEFF token is text, not a mark to drop
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as text; bytes that are not whole UTF-8 characters read as <0xF0> like llama2.c's byte tokens. */
function bytesAsText(bytes: readonly number[]): string {
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return bytes
      .map((b) =>
        b < 0x80 ? String.fromCharCode(b) : `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`,
      )
      .join('');
  }
}

/**
 * A GPT-4o token as text. (Not `decode([id])`: gpt-tokenizer 4.0.0 decodes through one shared
 * streaming TextDecoder, so a lone partial character would leak into the next token's text.)
 * Bytes that are not whole characters read as <0xF0> like llama2.c's byte tokens.
 */
function gpt4oTokenText(entry: string | number[] | undefined, id: number): string {
  if (entry === undefined) return `<|${id}|>`;
  return typeof entry === 'string' ? entry : bytesAsText(entry);
}

const perToken = (chars: number, count: number) =>
  count === 0 ? 0 : Math.round((chars / count) * 100) / 100;

/** One tokenizer's view of the text. */
export async function tokenizeWith(name: PlaygroundTokenizerName, text: string): Promise<TokenizerView> {
  if (typeof text !== 'string')
    throw new LlmError(`text must be a string, got ${typeof text}`, { kind: 'invalid-config' });
  if (text.length > MAX_TEXT_LENGTH)
    throw new LlmError(
      `text has ${text.length} characters; at most ${MAX_TEXT_LENGTH} are accepted (split it into smaller pieces)`,
      { kind: 'invalid-config' },
    );
  if (!PLAYGROUND_TOKENIZERS.includes(name))
    throw new LlmError(`unknown tokenizer "${String(name)}": one of ${PLAYGROUND_TOKENIZERS.join(', ')}`, {
      kind: 'invalid-config',
    });
  const chars = [...text].length;
  try {
    if (name === GPT4O_TOKENIZER) {
      const tok = await loadGpt4o();
      // no special tokens: '<|endoftext|>' in the text is text here, as in the OpenAI tokenizer page
      const ids = tok.encode(text, { disallowedSpecial: new Set() });
      const tokens = ids.map((id) => gpt4oTokenText(tok.ranks[id], id));
      return {
        name,
        tokens,
        ids,
        count: ids.length,
        charsPerToken: perToken(chars, ids.length),
        shown: tokens.map(visibleToken),
      };
    }
    const tokenizer = shippedTokenizer(name as ShippedTokenizerName);
    const view = tokenizeForDisplay(tokenizer, text);
    const byteLevel = tokenizer instanceof ByteLevelBPETokenizer;
    return {
      name,
      tokens: view.tokens,
      ids: view.ids,
      count: view.count,
      charsPerToken: perToken(chars, view.count),
      shown: view.tokens.map((t) => visibleToken(byteLevel ? byteLevelText(t) : t)),
    };
  } catch (error) {
    return {
      name,
      tokens: [],
      ids: [],
      count: 0,
      charsPerToken: 0,
      shown: [],
      error: (error as Error).message,
    };
  }
}

/**
 * The text through each tokenizer, side by side.
 * @param names @default every shipped tokenizer and 'gpt-4o'
 */
export async function compareTokenizers(
  text: string,
  names: readonly PlaygroundTokenizerName[] = PLAYGROUND_TOKENIZERS,
): Promise<TokenizerView[]> {
  const out: TokenizerView[] = [];
  for (const name of names) out.push(await tokenizeWith(name, text));
  return out;
}
