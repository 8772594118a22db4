/**
 * A SentencePiece model file (`spiece.model`, `source.spm`: the protobuf `ModelProto` of
 * google/sentencepiece `sentencepiece_model.proto`) as the tokenizer.json 🤗 Transformers' converter
 * (`convert_slow_tokenizer.SpmConverter`) makes of it — the one idea: **a Unigram SentencePiece
 * model is a list of (piece, log-probability, type) plus normalization rules**, which is exactly a
 * Unigram tokenizer.json with a Precompiled normalizer and the Metaspace pre-tokenizer:
 *
 *   normalizer      Sequence[Precompiled(charsmap), Strip(right), Replace(" {2,}" → "▁")]; ALBERT's
 *                   (AlbertConverter): `` '' → ", NFKD + StripAccents unless keep_accents,
 *                   Lowercase if do_lower_case, the charsmap, Replace(" {2,}" → " ")
 *   pre_tokenizer   Metaspace("▁", prepend_scheme "always" when add_dummy_prefix, else "never")
 *   model           Unigram(pieces with their scores, unk_id = the UNKNOWN piece, byte_fallback)
 *   added_tokens    the CONTROL / UNKNOWN pieces (special) and USER_DEFINED ones
 *   post_processor  by tokenizer_config.json's tokenizer_class: T5 "$A </s>" (and the
 *                   `<extra_id_N>` sentinels appended, N counting down, as T5Converter), ALBERT
 *                   "[CLS] $A [SEP]", otherwise none
 *
 * The fields read (protobuf field numbers): ModelProto 1 pieces {1 piece, 2 score, 3 type},
 * 2 trainer_spec {3 model_type, 35 byte_fallback}, 3 normalizer_spec {2 precompiled_charsmap,
 * 3 add_dummy_prefix}. A BPE / WORD / CHAR model (Llama's tokenizer.model is BPE) is refused with a
 * FormatError: those folders ship tokenizer.json. Every problem names the file and the field.
 */
import { FormatError, parseJson } from '@firth/numeric';
import { asInteger, asObject, child, fail } from './hf-json.js';
import type { HfModel } from './hf-models.js';
import { addedToken } from './tokenizer-json.js';
import { UnigramModel } from './unigram.js';

/** SentencePiece's piece types. */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const USER_DEFINED = 4;

export interface SentencePieceModel {
  pieces: Array<{ piece: string; score: number; type: number }>;
  modelType: number;
  byteFallback: boolean;
  precompiledCharsmap: Uint8Array | null;
  addDummyPrefix: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A protobuf message's fields: number → values (varints as numbers, others as byte views). */
function readMessage(
  bytes: Uint8Array,
  file: string,
  where: string,
): Map<number, Array<number | Uint8Array>> {
  const fields = new Map<number, Array<number | Uint8Array>>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new FormatError(file, where, `ends inside a varint at byte ${pos}`);
      const b = bytes[pos++]!;
      if (shift < 49) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 70) throw new FormatError(file, where, `has a varint longer than 10 bytes at byte ${pos}`);
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > bytes.length)
        throw new FormatError(file, where, `ends inside field ${field} at byte ${pos}`);
      value = wire === 5 ? view.getFloat32(pos, true) : view.getFloat64(pos, true);
      pos += n;
    } else if (wire === 2) {
      const n = varint();
      if (pos + n > bytes.length)
        throw new FormatError(
          file,
          where,
          `field ${field} claims ${n} bytes at byte ${pos}, but ${bytes.length - pos} are left`,
        );
      value = bytes.subarray(pos, pos + n);
      pos += n;
    } else
      throw new FormatError(
        file,
        where,
        `has field ${field} with wire type ${wire}, which a SentencePiece model does not use`,
      );
    const list = fields.get(field);
    if (list) list.push(value);
    else fields.set(field, [value]);
  }
  return fields;
}

const bytesOf = (v: number | Uint8Array | undefined, file: string, where: string): Uint8Array | undefined => {
  if (v === undefined || v instanceof Uint8Array) return v;
  throw new FormatError(file, where, 'must be a length-delimited field');
};
const numberOf = (v: number | Uint8Array | undefined, file: string, where: string): number | undefined => {
  if (v === undefined || typeof v === 'number') return v;
  throw new FormatError(file, where, 'must be a number');
};

/** Reads a SentencePiece `ModelProto`; errors name `file` and the field. */
export function readSentencePieceModel(bytes: Uint8Array, file = 'spiece.model'): SentencePieceModel {
  if (!(bytes instanceof Uint8Array)) throw new FormatError(file, '', 'must be bytes (a Uint8Array)');
  const model = readMessage(bytes, file, '');
  const pieces = (model.get(1) ?? []).map((raw, i) => {
    const where = `pieces[${i}]`;
    const p = readMessage(bytesOf(raw, file, where)!, file, where);
    const text = bytesOf(p.get(1)?.[0], file, `${where}.piece`);
    if (text === undefined) throw new FormatError(file, `${where}.piece`, 'is missing');
    let piece: string;
    try {
      piece = utf8.decode(text);
    } catch {
      throw new FormatError(file, `${where}.piece`, 'is not UTF-8');
    }
    const score = numberOf(p.get(2)?.[0], file, `${where}.score`) ?? 0;
    if (!Number.isFinite(score))
      throw new FormatError(file, `${where}.score`, `is ${score}, not a finite number`);
    return { piece, score, type: numberOf(p.get(3)?.[0], file, `${where}.type`) ?? NORMAL };
  });
  if (pieces.length === 0)
    throw new FormatError(file, 'pieces', 'is empty: this is not a SentencePiece model');
  const trainer = readMessage(
    bytesOf(model.get(2)?.[0], file, 'trainer_spec') ?? new Uint8Array(),
    file,
    'trainer_spec',
  );
  const normalizer = readMessage(
    bytesOf(model.get(3)?.[0], file, 'normalizer_spec') ?? new Uint8Array(),
    file,
    'normalizer_spec',
  );
  const charsmap = bytesOf(normalizer.get(2)?.[0], file, 'normalizer_spec.precompiled_charsmap');
  return {
    pieces,
    modelType: numberOf(trainer.get(3)?.[0], file, 'trainer_spec.model_type') ?? 1,
    byteFallback: (numberOf(trainer.get(35)?.[0], file, 'trainer_spec.byte_fallback') ?? 0) !== 0,
    precompiledCharsmap: charsmap && charsmap.length > 0 ? charsmap : null,
    addDummyPrefix: (numberOf(normalizer.get(3)?.[0], file, 'normalizer_spec.add_dummy_prefix') ?? 1) !== 0,
  };
}

const base64 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

const precompiled = (m: SentencePieceModel) =>
  m.precompiledCharsmap ? [{ type: 'Precompiled', precompiled_charsmap: base64(m.precompiledCharsmap) }] : [];

/** SpmConverter.normalizer: the charsmap, then strip the end and fold runs of spaces into "▁". */
const spmNormalizers = (m: SentencePieceModel) => [
  ...precompiled(m),
  { type: 'Strip', strip_left: false, strip_right: true },
  { type: 'Replace', pattern: { Regex: ' {2,}' }, content: '▁' },
];

/** AlbertConverter.normalizer: `` and '' → ", accents (unless keep_accents), lowercase (do_lower_case). */
const albertNormalizers = (m: SentencePieceModel, config: Record<string, unknown>) => [
  { type: 'Replace', pattern: { String: '``' }, content: '"' },
  { type: 'Replace', pattern: { String: "''" }, content: '"' },
  ...(config.keep_accents === true ? [] : [{ type: 'NFKD' }, { type: 'StripAccents' }]),
  ...(config.do_lower_case === false ? [] : [{ type: 'Lowercase' }]),
  ...precompiled(m),
  { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
];

const MODEL_TYPES: Record<number, string> = { 1: 'UNIGRAM', 2: 'BPE', 3: 'WORD', 4: 'CHAR' };

/**
 * The tokenizer.json 🤗 Transformers' SpmConverter writes for a Unigram SentencePiece model (see the
 * file's comment); `config` is tokenizer_config.json (tokenizer_class, extra_ids).
 */
export function sentencePieceToTokenizerJSON(
  bytes: Uint8Array,
  config: Record<string, unknown> = {},
  file = 'spiece.model',
): Record<string, unknown> {
  const m = readSentencePieceModel(bytes, file);
  if (m.modelType !== 1)
    throw new FormatError(
      file,
      'trainer_spec.model_type',
      `is ${MODEL_TYPES[m.modelType] ?? m.modelType}; this library reads Unigram SentencePiece models from .model files (save a tokenizer.json for the others)`,
    );
  const vocab: Array<[string, number]> = m.pieces.map((p) => [p.piece, p.score]);
  const unkId = m.pieces.findIndex((p) => p.type === UNKNOWN);
  const added = m.pieces.flatMap((p, id) =>
    p.type === CONTROL || p.type === UNKNOWN || p.type === USER_DEFINED
      ? [addedToken(p.piece, id, p.type !== USER_DEFINED)]
      : [],
  );
  const cls = typeof config.tokenizer_class === 'string' ? config.tokenizer_class : '';
  const isT5 = /^(T5|MT5|UMT5)Tokenizer/.test(cls);
  if (isT5) {
    const extra =
      typeof config.extra_ids === 'number' && Number.isInteger(config.extra_ids) ? config.extra_ids : 100;
    for (let i = extra - 1; i >= 0; i--) {
      const content = `<extra_id_${i}>`;
      added.push(addedToken(content, vocab.length));
      vocab.push([content, 0]);
    }
  }
  const metaspace = {
    type: 'Metaspace',
    replacement: '▁',
    prepend_scheme: m.addDummyPrefix ? 'always' : 'never',
    split: true,
  };
  const idOf = (t: string) => vocab.findIndex(([p]) => p === t);
  /** A TemplateProcessing; with `segments`, the second text and what follows it get type 1. */
  const template = (single: string[], pair: string[], segments: boolean) => {
    const specials = [...new Set([...single, ...pair].filter((t) => t !== '$A' && t !== '$B'))];
    if (specials.some((t) => idOf(t) < 0)) return null;
    const step = (t: string, typeId: number) =>
      t === '$A' || t === '$B'
        ? { Sequence: { id: t.slice(1), type_id: typeId } }
        : { SpecialToken: { id: t, type_id: typeId } };
    return {
      type: 'TemplateProcessing',
      single: single.map((t) => step(t, 0)),
      pair: pair.map((t, i) => step(t, segments && i >= pair.indexOf('$B') ? 1 : 0)),
      special_tokens: Object.fromEntries(specials.map((t) => [t, { id: t, ids: [idOf(t)], tokens: [t] }])),
    };
  };
  const postProcessor = isT5
    ? template(['$A', '</s>'], ['$A', '</s>', '$B', '</s>'], false)
    : /^Albert/.test(cls)
      ? template(['[CLS]', '$A', '[SEP]'], ['[CLS]', '$A', '[SEP]', '$B', '[SEP]'], true)
      : null;
  return {
    version: '1.0',
    added_tokens: added,
    normalizer: {
      type: 'Sequence',
      normalizers: /^Albert/.test(cls) ? albertNormalizers(m, config) : spmNormalizers(m),
    },
    pre_tokenizer: metaspace,
    post_processor: postProcessor,
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: unkId < 0 ? null : unkId, vocab, byte_fallback: m.byteFallback },
  };
}

/**
 * Marian's slow-tokenizer files (🤗 `MarianTokenizer`; Helsinki-NLP/opus-mt-*): `source.spm`
 * segments the text, and each piece takes its id from `vocab.json` (a piece vocab.json lacks is
 * `<unk>`); "$A </s>"; decoding joins the pieces as SentencePiece does (target.spm's pieces are
 * the same "▁" pieces). Language tokens such as `>>fr<<` in vocab.json are kept whole.
 * Returns a tokenizer.json-shaped object (normalizer, Metaspace, post-processor, decoder, added
 * tokens) and the model to put in place of its `model` step.
 */
export function marianTokenizerParts(
  sourceSpm: Uint8Array,
  vocabJson: string,
  config: Record<string, unknown> = {},
): { json: Record<string, unknown>; model: HfModel } {
  const json = sentencePieceToTokenizerJSON(
    sourceSpm,
    { ...config, tokenizer_class: 'Marian' },
    'source.spm',
  );
  const at = { file: 'vocab.json', path: '$' };
  const vocab = asObject(parseJson(vocabJson, 'vocab.json'), at);
  const ids = new Map<string, number>();
  const pieces: string[] = [];
  for (const [piece, id] of Object.entries(vocab)) {
    const i = asInteger(id, child(at, JSON.stringify(piece)));
    if (!ids.has(piece)) ids.set(piece, i);
    pieces[i] ??= piece;
  }
  const name = (key: string, def: string) => {
    const v = config[key];
    return typeof v === 'string'
      ? v
      : typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string'
        ? (v as { content: string }).content
        : def;
  };
  const unk = ids.get(name('unk_token', '<unk>'));
  const eos = ids.get(name('eos_token', '</s>'));
  if (unk === undefined) fail(at, `has no id for the unknown token ${name('unk_token', '<unk>')}`);
  if (eos === undefined) fail(at, `has no id for the end-of-sentence token ${name('eos_token', '</s>')}`);
  const spm = json.model as { unk_id: number | null; vocab: Array<[string, number]>; byte_fallback: boolean };
  const unigram = new UnigramModel(spm.vocab, spm.unk_id, spm.byte_fallback);
  const model: HfModel = {
    type: 'Unigram',
    size: pieces.length,
    tokenize: (word) => {
      const { tokens } = unigram.tokenizeWithPieces(word);
      return { ids: tokens.map((t) => ids.get(t) ?? unk!), tokens };
    },
    idToToken: (id) => (Number.isInteger(id) ? pieces[id] : undefined),
    tokenToId: (token) => ids.get(token),
  };
  const specials = [name('eos_token', '</s>'), name('unk_token', '<unk>'), name('pad_token', '<pad>')];
  json.added_tokens = [...ids]
    .filter(([t]) => specials.includes(t) || /^>>.+<<$/.test(t))
    .map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: specials.includes(content),
    }));
  const eosToken = name('eos_token', '</s>');
  json.post_processor = {
    type: 'TemplateProcessing',
    single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: eosToken, type_id: 0 } }],
    pair: [
      { Sequence: { id: 'A', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 0 } },
      { SpecialToken: { id: eosToken, type_id: 0 } },
    ],
    special_tokens: { [eosToken]: { id: eosToken, ids: [eos], tokens: [eosToken] } },
  };
  delete json.model;
  return { json, model };
}
