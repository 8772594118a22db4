/**
 * `AutoTokenizer.from_pretrained(folder)` for every tokenizer a Hugging Face folder holds — the
 * general pipeline of hf-tokenizer.ts, with the folder's tokenizer_config.json (special tokens,
 * chat template, `add_prefix_space`, `clean_up_tokenization_spaces`):
 *
 *   tokenizer.json               any model the pipeline runs (Unigram: T5, ALBERT, XLNet, Marian;
 *                                BPE: GPT-2, RoBERTa, BART, Llama, Mistral, Qwen; WordPiece: BERT)
 *   vocab.json + merges.txt      byte-level BPE: RoBERTa / BART (`<s> … </s>`, `<mask>` swallowing
 *                                the space before it) when tokenizer_config.json's tokenizer_class
 *                                says so or the vocabulary has <s> </s> <pad> <mask>; else GPT-2
 *   vocab.txt                    BERT's WordPiece ([CLS] … [SEP]; do_lower_case)
 *   spiece.model / tokenizer.model   a Unigram SentencePiece model (T5, ALBERT, XLNet) as 🤗's
 *                                SpmConverter turns it into tokenizer.json (sentencepiece-model.ts)
 *   chat_template.jinja          the chat template, when tokenizer_config.json has none
 *
 * No file system here (a browser passes what it fetched); `loadAutoTokenizer(folder)` in
 * hf-folder.ts reads a folder. Errors name the folder and the file:
 *   models/t5: tokenizer.json $.normalizer.normalizers[0].precompiled_charsmap is not base64
 *   source.spm + vocab.json      Marian (Helsinki-NLP/opus-mt-*): SentencePiece pieces numbered by vocab.json
 * Refused with advice: XLM-R's sentencepiece.bpe.model (fairseq ids).
 */
import { FormatError, parseJson, ValidationError } from '@firth/numeric';
import { ByteLevelBPETokenizer } from './bpe.js';
import { fileText } from './hf-files.js';
import { HfTokenizer } from './hf-tokenizer.js';
import { marianTokenizerParts, sentencePieceToTokenizerJSON } from './sentencepiece-model.js';
import { WordPieceTokenizer } from './wordpiece.js';

/** The files of a Hugging Face folder that describe its tokenizer, as text or bytes. */
export interface AutoTokenizerFiles {
  'tokenizer.json'?: string | Uint8Array;
  'tokenizer_config.json'?: string | Uint8Array;
  'special_tokens_map.json'?: string | Uint8Array;
  'chat_template.jinja'?: string | Uint8Array;
  'vocab.json'?: string | Uint8Array;
  'merges.txt'?: string | Uint8Array;
  'vocab.txt'?: string | Uint8Array;
  /** A Unigram SentencePiece model (T5, ALBERT, XLNet), read when there is no tokenizer.json. */
  'spiece.model'?: Uint8Array;
  'tokenizer.model'?: Uint8Array;
  /** Marian's source-language SentencePiece model (with vocab.json). */
  'source.spm'?: Uint8Array;
  /** Present only to be refused with advice: fairseq-numbered (XLM-R) SentencePiece files. */
  'sentencepiece.bpe.model'?: Uint8Array;
}

export const AUTO_TOKENIZER_FILES: ReadonlyArray<keyof AutoTokenizerFiles> = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'vocab.json',
  'merges.txt',
  'vocab.txt',
  'spiece.model',
  'tokenizer.model',
  'sentencepiece.bpe.model',
  'source.spm',
];

/** The files read as bytes rather than text. */
export const BINARY_TOKENIZER_FILES: ReadonlySet<keyof AutoTokenizerFiles> = new Set([
  'spiece.model',
  'tokenizer.model',
  'sentencepiece.bpe.model',
  'source.spm',
]);

/** Runs `load`; a FormatError about `file` is reported as "<folder>: <file> <where> …". */
function inFolder<T>(folder: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof FormatError && !e.file.startsWith(`${folder}:`) && e.file !== folder)
      throw new FormatError(folder, e.where ? `${e.file} ${e.where}` : e.file, e.problem);
    throw e;
  }
}

const ROBERTA_CLASSES = /^(Roberta|Bart|Longformer|Led|Blenderbot|Mvp|Markuplm|Layoutlmv3)/i;
const tokenText = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string'
      ? (v as { content: string }).content
      : undefined;

/** The tokenizer the files describe (see the file's comment); `folder` names them in messages. */
export function autoTokenizerFromFiles(files: AutoTokenizerFiles, folder = 'tokenizer'): HfTokenizer {
  if (typeof files !== 'object' || files === null)
    throw new ValidationError('files must be an object of file name → text or bytes', 'files');
  const text = (
    file: Exclude<
      keyof AutoTokenizerFiles,
      'spiece.model' | 'tokenizer.model' | 'sentencepiece.bpe.model' | 'source.spm'
    >,
  ): string | null => fileText(files, folder, file);
  const readObject = (file: 'tokenizer_config.json' | 'special_tokens_map.json'): Record<string, unknown> => {
    const t = text(file);
    if (t === null) return {};
    const j = inFolder(folder, () => parseJson(t, file));
    if (typeof j !== 'object' || j === null || Array.isArray(j))
      throw new FormatError(folder, file, 'must be a JSON object');
    return j as Record<string, unknown>;
  };
  // special_tokens_map.json first: tokenizer_config.json's own entries win.
  const config: Record<string, unknown> = {
    ...readObject('special_tokens_map.json'),
    ...readObject('tokenizer_config.json'),
  };
  const jinja = text('chat_template.jinja');
  if ((config.chat_template === undefined || config.chat_template === null) && jinja !== null) {
    config.chat_template = jinja;
    config.chat_template_file = 'chat_template.jinja';
  }
  const json = text('tokenizer.json');
  if (json !== null)
    return inFolder(folder, () => {
      const j = parseJson(json, 'tokenizer.json');
      if (typeof j !== 'object' || j === null || Array.isArray(j))
        throw new FormatError('tokenizer.json', '$', 'must be a JSON object');
      return HfTokenizer.fromJSON(withConfig(j as Record<string, unknown>, config), { config });
    });
  const vocabJson = text('vocab.json');
  const merges = text('merges.txt');
  if (vocabJson !== null && merges !== null)
    return inFolder(folder, () =>
      HfTokenizer.fromJSON(byteLevelJSON(vocabJson, merges, config), {
        config,
        file: 'vocab.json + merges.txt',
      }),
    );
  const sourceSpm = files['source.spm'];
  if (vocabJson !== null && sourceSpm != null) {
    if (!(sourceSpm instanceof Uint8Array))
      throw new ValidationError("files['source.spm'] must be the file's bytes (a Uint8Array)", 'source.spm');
    return inFolder(folder, () => {
      const { json, model } = marianTokenizerParts(sourceSpm, vocabJson, config);
      return HfTokenizer.fromJSON(json, { config, file: 'source.spm', model });
    });
  }
  if (vocabJson !== null || merges !== null)
    throw new FormatError(
      folder,
      '',
      `has ${vocabJson !== null ? 'vocab.json but no merges.txt' : 'merges.txt but no vocab.json'}; byte-level BPE's files come as a pair`,
    );
  const vocabTxt = text('vocab.txt');
  if (vocabTxt !== null)
    return inFolder(folder, () => {
      const wp = WordPieceTokenizer.fromVocabTxt(vocabTxt, {
        lowercase: config.do_lower_case !== false,
        ...(typeof config.strip_accents === 'boolean' ? { stripAccents: config.strip_accents } : {}),
        ...(typeof config.tokenize_chinese_chars === 'boolean'
          ? { handleChineseChars: config.tokenize_chinese_chars }
          : {}),
      });
      return HfTokenizer.fromJSON(JSON.parse(JSON.stringify(wp.toJSON())), { config, file: 'vocab.txt' });
    });
  for (const spm of ['spiece.model', 'tokenizer.model'] as const) {
    const bytes = files[spm];
    if (bytes == null) continue;
    if (!(bytes instanceof Uint8Array))
      throw new ValidationError(`files['${spm}'] must be the file's bytes (a Uint8Array)`, spm);
    return inFolder(folder, () =>
      HfTokenizer.fromJSON(sentencePieceToTokenizerJSON(bytes, config, spm), { config, file: spm }),
    );
  }
  const spm = (['sentencepiece.bpe.model', 'source.spm'] as const).find((f) => files[f] != null);
  // (source.spm without vocab.json lands here too)
  if (spm !== undefined)
    throw new ValidationError(
      `${folder}: has ${spm} but no tokenizer.json; this library reads that SentencePiece layout through tokenizer.json (save one with AutoTokenizer.from_pretrained(folder).save_pretrained(folder) in 🤗 Transformers)`,
      'tokenizer',
    );
  throw new ValidationError(
    `${folder}: no tokenizer files (tokenizer.json, vocab.json + merges.txt, vocab.txt, or spiece.model)`,
    'tokenizer',
  );
}

/**
 * tokenizer_config.json's `add_prefix_space`, when set, overrides the ByteLevel pre-tokenizer's and
 * RobertaProcessing's (as 🤗 Transformers' RobertaTokenizerFast does on loading).
 */
function withConfig(j: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const aps = config.add_prefix_space;
  if (typeof aps !== 'boolean') return j;
  const patch = (step: unknown) => {
    const s = step as { type?: unknown } | null;
    return s !== null && typeof s === 'object' && (s.type === 'ByteLevel' || s.type === 'RobertaProcessing')
      ? { ...s, add_prefix_space: aps }
      : step;
  };
  return { ...j, pre_tokenizer: patch(j.pre_tokenizer) };
}

/** vocab.json + merges.txt as the tokenizer.json 🤗 Transformers would convert them to. */
function byteLevelJSON(
  vocabJson: string,
  mergesTxt: string,
  config: Record<string, unknown>,
): Record<string, unknown> {
  // The strict reader of bpe.ts checks both files, naming vocab.json / merges.txt and the line.
  const bpe = ByteLevelBPETokenizer.fromVocabAndMerges(vocabJson, mergesTxt);
  const j = JSON.parse(JSON.stringify(bpe.toJSON())) as Record<string, unknown> & {
    model: { vocab: Record<string, number> };
  };
  const vocab = j.model.vocab;
  const has = (t: string | undefined): t is string => t !== undefined && Object.hasOwn(vocab, t);
  const cls = typeof config.tokenizer_class === 'string' ? config.tokenizer_class : '';
  const robertaLike = cls
    ? ROBERTA_CLASSES.test(cls)
    : ['<s>', '</s>', '<pad>', '<mask>'].every((t) => Object.hasOwn(vocab, t));
  const addPrefixSpace = config.add_prefix_space === true;
  const names = robertaLike
    ? {
        bos_token: '<s>',
        pad_token: '<pad>',
        eos_token: '</s>',
        unk_token: '<unk>',
        mask_token: '<mask>',
        cls_token: '<s>',
        sep_token: '</s>',
      }
    : { bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>' };
  const specials = new Map<string, { lstrip: boolean }>();
  for (const [name, def] of Object.entries(names)) {
    const t = tokenText(config[name]) ?? def;
    if (has(t)) specials.set(t, { lstrip: name === 'mask_token' });
  }
  for (const extra of Array.isArray(config.additional_special_tokens)
    ? config.additional_special_tokens
    : []) {
    const t = tokenText(extra);
    if (has(t)) specials.set(t, { lstrip: false });
  }
  j.added_tokens = [...specials].map(([content, { lstrip }]) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const byteLevel = {
    type: 'ByteLevel',
    add_prefix_space: addPrefixSpace,
    trim_offsets: true,
    use_regex: true,
  };
  j.pre_tokenizer = byteLevel;
  j.decoder = byteLevel;
  const clsToken = tokenText(config.cls_token) ?? '<s>';
  const sepToken = tokenText(config.sep_token) ?? '</s>';
  j.post_processor =
    robertaLike && has(clsToken) && has(sepToken)
      ? {
          type: 'RobertaProcessing',
          cls: [clsToken, vocab[clsToken]],
          sep: [sepToken, vocab[sepToken]],
          trim_offsets: true,
          add_prefix_space: addPrefixSpace,
        }
      : { ...byteLevel, trim_offsets: false };
  return j;
}
