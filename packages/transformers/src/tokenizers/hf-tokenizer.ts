/**
 * A Hugging Face `tokenizer.json` run as the Rust `tokenizers` library runs it — the one idea: **a
 * tokenizer is a pipeline of five replaceable steps**, read from one JSON file:
 *
 *   added tokens → normalizer → pre-tokenizer → model → post-processor     (encode)
 *   ids → pieces → decoder                                                 (decode)
 *
 * Each step lives in its own file: hf-normalizers.ts, hf-pre-tokenizers.ts, hf-models.ts (with
 * unigram.ts), hf-post.ts. This class adds the **added tokens** (`added_tokens`: `<s>`, `</s>`,
 * `<mask>`, `<|im_start|>` …): they are found in the raw text first — the leftmost match, longest
 * among those starting there — and never reach the model; `lstrip` / `rstrip` swallow the
 * whitespace beside them (RoBERTa's `<mask>`), `single_word` only matches a whole word, and those
 * with `normalized: true` are matched in the normalized text instead. `special` ones are dropped by
 * `decode(ids, { skipSpecialTokens: true })`.
 *
 *   const t5 = HfTokenizer.fromJSON(tokenizerJson);      // Unigram + Precompiled + Metaspace
 *   t5.encode('Hello world')                            // […, 1]: "</s>" from TemplateProcessing
 *   t5.tokenize('Hello world')                          // ['▁Hello', '▁world']
 *   t5.decode(t5.encode('Hello world'), { skipSpecialTokens: true }) // 'Hello world'
 *
 * `encode` adds the model's special tokens (as `tokenizer.encode` in 🤗 Transformers and
 * transformers.js); `tokenize` shows the pieces of the text alone. Errors: a bad file is a
 * FormatError naming the file and the JSON path (`tokenizer.json: $.pre_tokenizer.pretokenizers[1].type
 * "UnicodeScripts" is not a pre-tokenizer this library runs …`); text longer than
 * `MAX_TEXT_LENGTH` is a ValidationError. Left out: offsets, padding, stride, BPE dropout.
 */
import { parseJson } from '@firth/numeric';
import { checkText, type Tokenizer, ValidationError } from './base.js';
import { type ChatMessage, type ChatTemplateOptions, renderChatTemplate } from './chat-template.js';
import {
  type At,
  asArray,
  asInteger,
  asObject,
  asString,
  child,
  escapeRegExp,
  fail,
  getBool,
} from './hf-json.js';
import { type HfModel, readModel } from './hf-models.js';
import { type Normalizer, readNormalizer } from './hf-normalizers.js';
import {
  cleanUpTokenizationSpaces,
  concat,
  type Decoder,
  type Encoded,
  type PostProcessor,
  readDecoder,
  readPostProcessor,
} from './hf-post.js';
import { type PreTokenizer, readPreTokenizer, type Word } from './hf-pre-tokenizers.js';

/** One of `added_tokens`. */
export interface HfAddedToken {
  id: number;
  content: string;
  special: boolean;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
}

/** What {@link HfTokenizer.encodePlus} returns: a model's inputs. */
export interface HfEncoding {
  ids: number[];
  tokens: string[];
  /** `token_type_ids`: 0 for the first text, 1 for the second where the model uses segments. */
  tokenTypeIds: number[];
  /** `attention_mask`: all 1 (no padding). */
  attentionMask: number[];
  /** 1 where the post-processor added a special token. */
  specialTokensMask: number[];
}

export interface HfEncodeOptions {
  /** A second text (`text_pair`), for pair tasks (NLI, QA). */
  pair?: string;
  /** Add the model's special tokens (`<s>` … `</s>`, `[CLS]` … `[SEP]`). @default true */
  addSpecialTokens?: boolean;
  /**
   * Keep at most this many tokens, special tokens included, cutting from the end of the longer
   * text one token at a time (🤗 `truncation: 'longest_first'`). @default no limit
   */
  maxLength?: number;
}

export interface HfDecodeOptions {
  /** Leave out special added tokens (`<s>`, `</s>`, `<pad>` …). @default false */
  skipSpecialTokens?: boolean;
  /** Remove spaces before punctuation (" ." → "."), 🤗 `clean_up_tokenization_spaces`. @default the file's setting, else false */
  cleanUpTokenizationSpaces?: boolean;
}

/** The special tokens of tokenizer_config.json a chat template may read. */
const SPECIAL_TOKEN_NAMES = [
  'bos_token',
  'eos_token',
  'unk_token',
  'pad_token',
  'sep_token',
  'cls_token',
  'mask_token',
] as const;

/** Whether a character counts as part of a word for `single_word` added tokens. */
const isWordChar = (c: string | undefined) => c !== undefined && /^[\p{L}\p{N}_]$/u.test(c);
const isSpace = (c: string | undefined) => c !== undefined && /^\p{White_Space}$/u.test(c);

/** Added tokens found by one regex: the alternatives longest first, so the longest wins at a position. */
interface AddedMatcher {
  byContent: Map<string, HfAddedToken>;
  re: RegExp;
}

function addedMatcher(tokens: readonly HfAddedToken[]): AddedMatcher | null {
  if (tokens.length === 0) return null;
  const sorted = [...tokens].sort((a, b) => b.content.length - a.content.length);
  return {
    byContent: new Map(sorted.map((t) => [t.content, t])),
    re: new RegExp(sorted.map((t) => escapeRegExp(t.content)).join('|'), 'gu'),
  };
}

/** A stretch of text: ordinary (`id` undefined) or one added token. */
interface Segment {
  text: string;
  id?: number;
  atStart: boolean;
}

/**
 * Cuts `text` at the added tokens it contains (leftmost match, longest at equal start), with
 * their lstrip / rstrip / single_word rules, as the Rust library's `AddedVocabulary::find_matches`.
 */
function splitAdded(text: string, matcher: AddedMatcher | null, atStart: boolean): Segment[] {
  if (matcher === null || text.length === 0) return text ? [{ text, atStart }] : [];
  const out: Segment[] = [];
  const { byContent, re } = matcher;
  re.lastIndex = 0;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const token = byContent.get(m[0])!;
    let start = m.index;
    let end = start + m[0].length;
    if (start < last) continue; // inside what an rstrip swallowed
    if (token.singleWord) {
      const before = start === 0 ? undefined : String.fromCodePoint(text.codePointAt(start - 1)!);
      if (isWordChar(before) || isWordChar(text[end])) continue;
    }
    if (token.lstrip) while (start > last && isSpace(text[start - 1])) start--;
    if (token.rstrip) while (end < text.length && isSpace(text[end])) end++;
    if (start > last) out.push({ text: text.slice(last, start), atStart: atStart && last === 0 });
    out.push({ text: text.slice(start, end), id: token.id, atStart: false });
    last = end;
  }
  if (last < text.length) out.push({ text: text.slice(last), atStart: atStart && last === 0 });
  return out;
}

export class HfTokenizer implements Tokenizer {
  readonly model: HfModel;
  readonly addedTokens: readonly HfAddedToken[];
  /** Settings that came with the tokenizer (tokenizer_config.json), for chat templates and defaults. */
  readonly config: Readonly<Record<string, unknown>>;
  private readonly normalizer: Normalizer | null;
  private readonly preTokenizer: PreTokenizer | null;
  private readonly postProcessor: PostProcessor | null;
  private readonly decoder: Decoder | null;
  private readonly addedById = new Map<number, HfAddedToken>();
  private readonly addedByContent = new Map<string, HfAddedToken>();
  private readonly rawAdded: AddedMatcher | null;
  private readonly normalizedAdded: AddedMatcher | null;

  private constructor(
    json: Record<string, unknown>,
    at: At,
    config: Record<string, unknown>,
    model?: HfModel,
  ) {
    this.config = config;
    this.model = model ?? readModel(json.model, child(at, 'model'));
    this.normalizer = readNormalizer(json.normalizer, child(at, 'normalizer'));
    this.preTokenizer = readPreTokenizer(json.pre_tokenizer, child(at, 'pre_tokenizer'));
    this.postProcessor = readPostProcessor(json.post_processor, child(at, 'post_processor'));
    this.decoder = readDecoder(json.decoder, child(at, 'decoder'));
    const addedAt = child(at, 'added_tokens');
    this.addedTokens = asArray(json.added_tokens ?? [], addedAt).map((t, i) => {
      const tAt = child(addedAt, i);
      const o = asObject(t, tAt);
      const token: HfAddedToken = {
        id: asInteger(o.id, child(tAt, 'id')),
        content: asString(o.content, child(tAt, 'content')),
        special: getBool(o, 'special', tAt, false),
        singleWord: getBool(o, 'single_word', tAt, false),
        lstrip: getBool(o, 'lstrip', tAt, false),
        rstrip: getBool(o, 'rstrip', tAt, false),
        normalized: getBool(o, 'normalized', tAt, !getBool(o, 'special', tAt, false)),
      };
      if (token.content === '') fail(child(tAt, 'content'), 'must not be empty');
      const inModel = this.model.tokenToId(token.content);
      if (inModel !== undefined && inModel !== token.id)
        fail(
          tAt,
          `gives ${JSON.stringify(token.content)} the id ${token.id}, but model.vocab gives it ${inModel}`,
        );
      const holder = this.model.idToToken(token.id);
      if (inModel === undefined && holder !== undefined)
        fail(
          tAt,
          `gives the id ${token.id} to ${JSON.stringify(token.content)}, but model.vocab gives it to ${JSON.stringify(holder)}`,
        );
      this.addedById.set(token.id, token);
      this.addedByContent.set(token.content, token);
      return token;
    });
    this.rawAdded = addedMatcher(this.addedTokens.filter((t) => !t.normalized));
    const norm = this.normalizer;
    this.normalizedAdded = addedMatcher(
      this.addedTokens
        .filter((t) => t.normalized)
        .map((t) => ({ ...t, content: norm ? norm(t.content) : t.content }))
        .filter((t) => t.content !== ''),
    );
  }

  /**
   * Reads a `tokenizer.json` (its text or the parsed object). `config` is the folder's
   * tokenizer_config.json, kept for chat templates and decode defaults. `model` replaces the
   * file's `model` step (Marian: SentencePiece pieces numbered by vocab.json). Errors name `file`.
   */
  static fromJSON(
    json: string | Record<string, unknown>,
    options: { file?: string; config?: Record<string, unknown>; model?: HfModel } = {},
  ): HfTokenizer {
    const file = options.file ?? 'tokenizer.json';
    const parsed = typeof json === 'string' ? parseJson(json, file) : json;
    const at: At = { file, path: '$' };
    const o = asObject(parsed, at);
    if (options.model === undefined && (o.model === undefined || o.model === null))
      fail(at, 'has no "model" object');
    return new HfTokenizer(o, at, options.config ?? {}, options.model);
  }

  get vocabSize(): number {
    let n = this.model.size;
    for (const t of this.addedTokens) n = Math.max(n, t.id + 1);
    return n;
  }

  /** The ids and pieces of one text, without special tokens from the post-processor. */
  private encodeText(text: string): Encoded {
    // ids and pieces are gathered; the token types (all 0) and special flags (none: an added
    // token in the text is not a post-processor's special token) are filled once at the end
    const ids: number[] = [];
    const tokens: string[] = [];
    for (const seg of splitAdded(text, this.rawAdded, true)) {
      if (seg.id !== undefined) {
        ids.push(seg.id);
        tokens.push(seg.text);
        continue;
      }
      const normalized = this.normalizer ? this.normalizer(seg.text) : seg.text;
      for (const part of splitAdded(normalized, this.normalizedAdded, seg.atStart)) {
        if (part.id !== undefined) {
          ids.push(part.id);
          tokens.push(part.text);
          continue;
        }
        const words: Word[] = [{ text: part.text, atStart: part.atStart }];
        for (const w of this.preTokenizer ? this.preTokenizer(words) : words) {
          const piece = this.model.tokenize(w.text);
          for (let i = 0; i < piece.ids.length; i++) {
            ids.push(piece.ids[i]!);
            tokens.push(piece.tokens[i]!);
          }
        }
      }
    }
    return {
      ids,
      tokens,
      typeIds: new Array<number>(ids.length).fill(0),
      special: new Array<boolean>(ids.length).fill(false),
    };
  }

  /** Ids, pieces, token types, attention mask — what a model's forward pass reads. */
  encodePlus(text: string, options: HfEncodeOptions = {}): HfEncoding {
    checkText(text);
    let a = this.encodeText(text);
    let b = options.pair === undefined ? null : this.encodeText(checkText(options.pair, 'pair'));
    const addSpecial = options.addSpecialTokens ?? true;
    if (options.maxLength !== undefined) {
      const max = options.maxLength;
      if (!Number.isInteger(max) || max < 1)
        throw new ValidationError(`maxLength must be an integer ≥ 1, got ${max}`, 'maxLength');
      const empty = (): Encoded => ({ ids: [], tokens: [], typeIds: [], special: [] });
      const extra = addSpecial ? this.postProcess(empty(), b ? empty() : null).ids.length : 0;
      let over = a.ids.length + (b?.ids.length ?? 0) + extra - max;
      const cut = (e: Encoded, n: number): Encoded => ({
        ids: e.ids.slice(0, n),
        tokens: e.tokens.slice(0, n),
        typeIds: e.typeIds.slice(0, n),
        special: e.special.slice(0, n),
      });
      if (over > 0 && b === null) a = cut(a, Math.max(0, a.ids.length - over));
      else if (over > 0 && b !== null) {
        let la = a.ids.length;
        let lb = b.ids.length;
        for (; over > 0 && la + lb > 0; over--)
          if (la > lb) la--;
          else lb--;
        a = cut(a, la);
        b = cut(b, lb);
      }
    }
    if (b !== null) b = { ...b, typeIds: b.ids.map(() => 1) };
    const e = addSpecial ? this.postProcess(a, b) : concat(b === null ? [a] : [a, b]);
    return {
      ids: e.ids,
      tokens: e.tokens,
      tokenTypeIds: e.typeIds,
      attentionMask: e.ids.map(() => 1),
      specialTokensMask: e.special.map((s) => (s ? 1 : 0)),
    };
  }

  /** The post-processor's steps on the text(s), then their concatenation (Rust `Encoding::merge`). */
  private postProcess(a: Encoded, b: Encoded | null): Encoded {
    const encodings = b === null ? [a] : [a, b];
    return concat(this.postProcessor ? this.postProcessor(encodings) : encodings);
  }

  /** The ids of `text` (with the model's special tokens unless `addSpecialTokens: false`). */
  encode(text: string, options: HfEncodeOptions = {}): number[] {
    return this.encodePlus(text, options).ids;
  }

  /** The pieces of `text` alone, no special tokens added (🤗 `tokenizer.tokenize`). */
  tokenize(text: string): string[] {
    return this.encodePlus(text, { addSpecialTokens: false }).tokens;
  }

  /** The pieces of `ids` run through the decoder. Ids outside the vocabulary are a ValidationError. */
  decode(ids: readonly number[], options: HfDecodeOptions = {}): string {
    const tokens: string[] = [];
    ids.forEach((id, i) => {
      const added = this.addedById.get(id);
      const token = added?.content ?? this.model.idToToken(id);
      if (token === undefined)
        throw new ValidationError(
          `ids[${i}] = ${id} is not an id of this vocabulary (0..${this.vocabSize - 1})`,
          `ids[${i}]`,
        );
      if (options.skipSpecialTokens && added?.special) return;
      tokens.push(token);
    });
    const text = this.decoder ? this.decoder(tokens).join('') : tokens.join(' ');
    const cleanUp = options.cleanUpTokenizationSpaces ?? this.config.clean_up_tokenization_spaces === true;
    return cleanUp ? cleanUpTokenizationSpaces(text) : text;
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.model.idToToken(id);
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.model.tokenToId(token);
  }

  /**
   * The conversation as the text the chat model was fine-tuned on, rendered with the folder's
   * chat template (tokenizer_config.json's `chat_template`, or chat_template.jinja) and
   * `@huggingface/jinja`; the template sees `messages`, `add_generation_prompt`, `tools`, the
   * special tokens (`bos_token`, `eos_token`, …) and any extra option. Encode the result with
   * `encode(text, { addSpecialTokens: false })` — the template already wrote the special tokens.
   *
   *   tok.applyChatTemplate([{ role: 'user', content: 'Hi' }], { add_generation_prompt: true })
   */
  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    const specialTokens: Record<string, unknown> = {};
    for (const name of SPECIAL_TOKEN_NAMES) {
      const t = this.specialToken(name);
      if (t !== undefined) specialTokens[name] = t;
    }
    const extra = this.config.additional_special_tokens;
    if (Array.isArray(extra))
      specialTokens.additional_special_tokens = extra.map((t) =>
        typeof t === 'object' && t !== null ? (t as { content?: unknown }).content : t,
      );
    const file =
      typeof this.config.chat_template_file === 'string'
        ? this.config.chat_template_file
        : 'tokenizer_config.json';
    return renderChatTemplate(
      { chat_template: this.config.chat_template, file, specialTokens },
      messages,
      options,
    );
  }

  /**
   * A special token named in tokenizer_config.json (`bos_token`, `eos_token`, `unk_token`,
   * `pad_token`, `sep_token`, `cls_token`, `mask_token`) as text, or undefined.
   */
  specialToken(name: string): string | undefined {
    const v = this.config[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string')
      return (v as { content: string }).content;
    return undefined;
  }
}
