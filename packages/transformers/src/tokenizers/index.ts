/**
 * Tokenizers of the course, one idea per file (as minbpe): the contract (base), characters (char),
 * byte pair merges (basic-bpe), GPT-2's regex + byte-level alphabet (bpe), BERT's WordPiece
 * (bert-basic + wordpiece), llama2.c's SentencePiece BPE with byte fallback (sentencepiece-bpe),
 * and Hugging Face's tokenizer.json (tokenizer-json); the merge loop they share, in O(n log n)
 * (merge-queue).
 *
 * This index is what needs no file system (the browser entry re-exports it); the loaders that read
 * files — loadHfTokenizer (hf-folder.ts), loadLlama2cTokenizer (sentencepiece-file.ts) and the
 * shipped tokenizers (shipped.ts) — are exported by the package's Node entry (../index.ts).
 *
 * Limits: every encode/tokenize/train refuses a text longer than `MAX_TEXT_LENGTH` (4 Mi UTF-16
 * units, `@firth/numeric`) at once with a ValidationError; below it, every tokenizer is linear or
 * n log n in the text. Tokenizer files that are not what their format says are FormatErrors.
 */

// ── The contract, special tokens, errors (base.ts) ──────────────────────────────────────────────
export {
  checkIds,
  MAX_TEXT_LENGTH,
  splitOnSpecialTokens,
  type TextSegment,
  type Tokenizer,
  type TrainableTokenizer,
  ValidationError,
  Vocabulary,
} from './base.js';
// ── Basic BPE on raw bytes, minbpe basic.py (basic-bpe.ts) ──────────────────────────────────────
//   new BasicBPETokenizer().train('aaabdaaabac', 259).encode('aaabdaaabac') // [258, 100, 258, 97, 99]
export {
  applyMerges,
  type BasicBPEJSON,
  type BasicBPEOptions,
  BasicBPETokenizer,
  learnMerges,
  mergePair,
  type TieBreak,
  type WordCount,
} from './basic-bpe.js';
// ── BERT's basic tokenization: clean, CJK, uncased, punctuation (bert-basic.ts) ─────────────────
//   bertBasicTokenize('Héllo, World!') // ['hello', ',', 'world', '!']
export { type BertBasicOptions, bertBasicTokenize, bertNormalize, bertPreTokenize } from './bert-basic.js';
// ── GPT-2 byte-level BPE, Hugging Face tokenizer.json (bpe.ts) ──────────────────────────────────
export {
  type ByteLevelBPEOptions,
  ByteLevelBPETokenizer,
  bytesToUnicode,
  GPT2_SPLIT_PATTERN,
  toByteLevel,
} from './bpe.js';
// ── Character-level, "Let's build GPT" (char.ts) ────────────────────────────────────────────────
//   new CharTokenizer().train('hello world').encode('hell') // [3, 2, 4, 4]
export { CharTokenizer, type CharTokenizerJSON, type CharTokenizerOptions } from './char.js';
export {
  type ChatMessage,
  type ChatTemplateOptions,
  type ChatTemplateSource,
  chatTemplates,
  renderChatTemplate,
} from './chat-template.js';
// ── Hugging Face tokenizer.json as the Rust `tokenizers` pipeline: added tokens → normalizer →
//    pre-tokenizer → model (Unigram, BPE, WordPiece, WordLevel) → post-processor; decoder
//    (hf-tokenizer.ts and its steps), a folder's files (hf-auto.ts), chat templates (chat-template.ts)
//   HfTokenizer.fromJSON(t5Json).tokenize('Hello world') // ['▁Hello', '▁world']
//   autoTokenizerFromFiles({ 'vocab.json': v, 'merges.txt': m }).encode('Hi') // [0, …, 2]: <s> … </s>
export {
  AUTO_TOKENIZER_FILES,
  type AutoTokenizerFiles,
  autoTokenizerFromFiles,
} from './hf-auto.js';
// ── A Hugging Face model folder's tokenizer from its files' contents (tokenizer.json, vocab.txt,
//    vocab.json + merges.txt) — `loadHfTokenizer(folder)` reads them from disk (hf-folder.ts, Node)
export { type HfTokenizerFiles, hfTokenizerFromFiles } from './hf-files.js';
export { type HfModel, readModel } from './hf-models.js';
export { type Normalizer, PrecompiledCharsMap, readNormalizer } from './hf-normalizers.js';
export {
  type Decoder,
  type Encoded,
  type PostProcessor,
  readDecoder,
  readPostProcessor,
} from './hf-post.js';
export {
  type PreTokenizer,
  readPreTokenizer,
  type SplitBehavior,
  splitByMatches,
  type Word,
} from './hf-pre-tokenizers.js';
export {
  type HfAddedToken,
  type HfDecodeOptions,
  type HfEncodeOptions,
  type HfEncoding,
  HfTokenizer,
} from './hf-tokenizer.js';
// ── The merge loop of every BPE variant, with a priority queue (merge-queue.ts) ─────────────────
export { type MergeRules, mergeSymbols } from './merge-queue.js';
// ── llama2.c's SentencePiece BPE, tok512.bin's bytes (sentencepiece-bpe.ts) ────────────────────
//   SentencePieceBPETokenizer.fromBytes(bytes).encode('Once upon a time') // [1, 403, 407, 261, 378]
//   (the shipped file, from disk: loadLlama2cTokenizer() in sentencepiece-file.ts, Node)
export {
  LLAMA2C_BOS,
  LLAMA2C_EOS,
  LLAMA2C_UNK,
  SentencePieceBPETokenizer,
  type SentencePieceEncodeOptions,
} from './sentencepiece-bpe.js';
export {
  marianTokenizerParts,
  readSentencePieceModel,
  type SentencePieceModel,
  sentencePieceToTokenizerJSON,
} from './sentencepiece-model.js';
// ── Hugging Face tokenizer.json shapes (tokenizer-json.ts) ──────────────────────────────────────
export {
  type AddedTokenJSON,
  parseTokenizerJSON,
  type StepJSON,
  type TokenizerJSON,
  tokenizerVocabulary,
} from './tokenizer-json.js';
export { UNK_PENALTY, UnigramModel } from './unigram.js';
// ── BERT WordPiece (wordpiece.ts) ───────────────────────────────────────────────────────────────
//   tok.tokenize('unaffable') // ['un', '##aff', '##able']
export {
  BERT_SPECIAL_TOKENS,
  type BertEncodeOptions,
  type BertEncoding,
  type WordPieceOptions,
  WordPieceTokenizer,
} from './wordpiece.js';
