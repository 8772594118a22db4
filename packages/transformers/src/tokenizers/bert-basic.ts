/**
 * BERT's BasicTokenizer (google-research/bert `tokenization.py`; Hugging Face's BertNormalizer +
 * BertPreTokenizer) — the one idea: **split text into words before WordPiece sees it**:
 *   1. clean: drop NUL, U+FFFD and control characters; every whitespace character → " ";
 *   2. put spaces around CJK ideographs, so each becomes its own word;
 *   3. (uncased) lowercase, then strip accents: NFD and drop the combining marks (Mn);
 *   4. split on whitespace, then make every punctuation character its own word.
 *
 *   bertBasicTokenize('Héllo, World!', { lowercase: true }) // ['hello', ',', 'world', '!']
 *   bertBasicTokenize('我爱NLP')                             // ['我', '爱', 'nlp']
 */

export interface BertBasicOptions {
  /** Lowercase (BERT "uncased"). @default true — bert-base-uncased, the course's model */
  lowercase?: boolean;
  /** Strip accents (é → e). @default same as `lowercase`, as Hugging Face's BertNormalizer */
  stripAccents?: boolean;
  /** Split CJK ideographs into single characters. @default true */
  handleChineseChars?: boolean;
}

/** Tab, newline, carriage return and the Unicode space separators (Zs). */
function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || /^\p{Zs}$/u.test(c);
}

/** Control (Cc) and format (Cf) characters, except the whitespace ones. */
function isControl(c: string): boolean {
  if (c === '\t' || c === '\n' || c === '\r') return false;
  return /^[\p{Cc}\p{Cf}]$/u.test(c);
}

/** All non-letter/number ASCII (so "$", "^", "`" count) plus Unicode punctuation (P*). */
export function isPunctuation(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return /^\p{P}$/u.test(c);
}

/** The CJK Unified Ideographs blocks BERT splits (not Hangul or kana, which use spaces). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Steps 1–3: the normalized text (Hugging Face's BertNormalizer). */
export function bertNormalize(text: string, options: BertBasicOptions = {}): string {
  const lowercase = options.lowercase ?? true;
  const stripAccents = options.stripAccents ?? lowercase;
  let out = '';
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(c)) continue;
    if (isWhitespace(c)) out += ' ';
    else if ((options.handleChineseChars ?? true) && isChineseChar(cp)) out += ` ${c} `;
    else out += c;
  }
  if (lowercase) out = out.toLowerCase();
  // NFD splits "é" into "e" + U+0301 (a nonspacing mark, category Mn), which is then dropped.
  if (stripAccents) out = out.normalize('NFD').replace(/\p{Mn}/gu, '');
  return out;
}

/** Step 4 on normalized text: whitespace, then punctuation (Hugging Face's BertPreTokenizer). */
export function bertPreTokenize(text: string): string[] {
  const words: string[] = [];
  for (const chunk of text.split(' ')) {
    let current = '';
    for (const c of chunk) {
      if (isWhitespace(c)) {
        if (current) words.push(current);
        current = '';
      } else if (isPunctuation(c)) {
        if (current) words.push(current);
        words.push(c);
        current = '';
      } else current += c;
    }
    if (current) words.push(current);
  }
  return words;
}

/** Steps 1–4: the words WordPiece splits further. */
export function bertBasicTokenize(text: string, options: BertBasicOptions = {}): string[] {
  return bertPreTokenize(bertNormalize(text, options));
}
