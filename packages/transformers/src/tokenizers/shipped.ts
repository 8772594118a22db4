/**
 * Ready-made tokenizers for the playground and the n8n Tokenizer node, each by name — the same
 * text cut four ways (course: "tokenizer playground"):
 *
 * | name                   | what                                                                 |
 * |------------------------|----------------------------------------------------------------------|
 * | `llama2c-tinystories`  | llama2.c's SentencePiece BPE, 512 pieces (shipped `tok512.bin`)       |
 * | `bpe-shakespeare`      | GPT-2-style byte-level BPE, 512 ids, trained here on tiny Shakespeare |
 * | `wordpiece-shakespeare`| BERT-style WordPiece (uncased), 1,000 pieces, trained on tiny Shakespeare |
 * | `char-shakespeare`     | one id per character of tiny Shakespeare (65)                         |
 *
 * The trained ones learn from the first 100,000 characters of tiny Shakespeare when first asked
 * for (deterministic; a second or so), then are cached for the process.
 *
 *   const tok = shippedTokenizer('llama2c-tinystories');
 *   tok.tokenize('Once upon a time') // [' Once', ' upon', ' a', ' time']
 */
import { loadTinyShakespeare } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import type { Tokenizer } from './base.js';
import { ByteLevelBPETokenizer } from './bpe.js';
import { CharTokenizer } from './char.js';
import { loadLlama2cTokenizer } from './sentencepiece-file.js';
import { WordPieceTokenizer } from './wordpiece.js';

export const SHIPPED_TOKENIZERS = [
  'llama2c-tinystories',
  'bpe-shakespeare',
  'wordpiece-shakespeare',
  'char-shakespeare',
] as const;
export type ShippedTokenizerName = (typeof SHIPPED_TOKENIZERS)[number];

const cache = new Map<ShippedTokenizerName, Tokenizer>();
const TRAINING_CHARS = 100_000;

export function shippedTokenizer(name: ShippedTokenizerName): Tokenizer {
  let tok = cache.get(name);
  if (tok) return tok;
  const text = () => loadTinyShakespeare().slice(0, TRAINING_CHARS);
  switch (name) {
    case 'llama2c-tinystories':
      tok = loadLlama2cTokenizer();
      break;
    case 'bpe-shakespeare':
      tok = new ByteLevelBPETokenizer().train(text(), 512);
      break;
    case 'wordpiece-shakespeare':
      tok = new WordPieceTokenizer().train(text(), 1000);
      break;
    case 'char-shakespeare':
      tok = new CharTokenizer().train(loadTinyShakespeare());
      break;
    default:
      throw new ValidationError(
        `unknown tokenizer "${String(name)}": one of ${SHIPPED_TOKENIZERS.join(', ')}`,
        'tokenizer',
      );
  }
  cache.set(name, tok);
  return tok;
}

/**
 * What the playground shows for a text: each token as text, its id, and the counts.
 *   tokenizeForDisplay(shippedTokenizer('llama2c-tinystories'), 'Once upon a time')
 *   // { tokens: [' Once', ' upon', ' a', ' time'], ids: [403, 407, 261, 378], count: 4, characters: 16 }
 */
export function tokenizeForDisplay(
  tokenizer: Tokenizer,
  text: string,
): { tokens: string[]; ids: number[]; count: number; characters: number; decoded: string } {
  if (typeof text !== 'string')
    throw new ValidationError(`text must be a string, got ${typeof text}`, 'text');
  const tokens = tokenizer.tokenize(text);
  const ids = tokens.map((t) => {
    const id = tokenizer.tokenToId(t);
    if (id === undefined) throw new ValidationError(`token "${t}" has no id`, 'text');
    return id;
  });
  // a tokenizer with a begin-of-sequence token decodes a sequence that starts with it (llama2.c drops
  // the dummy-prefix space of the first piece after BOS)
  const bos = (tokenizer as { bos?: number }).bos;
  const decoded = tokenizer.decode(bos === undefined ? ids : [bos, ...ids]);
  return { tokens, ids, count: ids.length, characters: [...text].length, decoded };
}
