/**
 * A user's token-classification folder (Hugging Face's BertForTokenClassification: config.json with
 * id2label, model.safetensors with the `classifier` layer, vocab.txt or tokenizer.json) as the
 * pipeline's TokenClassifier: the text's WordPiece tokens with character offsets, [CLS] … [SEP]
 * (cut to the model's positions), a softmax over each token's logits.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, parseJson, ValidationError } from '@firth/numeric';
import {
  BertForTokenClassification,
  BertModel,
  collate,
  loadHfTokenizer,
  type WordPieceTokenizer,
} from '@firth/transformers';
import { encoderMaxTokens, frameOf, loadEncoderFolder, piecesWithOffsets, runEncoder } from './hf-folder.js';
import { wordPieces, words } from './ner-tagger.js';
import type { PreEntity, TokenClassifier } from './token-classification.js';

/** Logits (tokens × labels) of one sequence of ids. */
export type TokenLogits = (ids: number[]) => ArrayLike<number>[];

const softmax = (xs: ArrayLike<number>) => {
  const a = Array.from(xs);
  const top = Math.max(...a);
  const e = a.map((x) => Math.exp(x - top));
  const z = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / z);
};

/** Any WordPiece encoder with a token-classification head, as the pipeline's TokenClassifier. */
export class WordPieceTokenClassifier implements TokenClassifier {
  constructor(
    readonly labels: readonly string[],
    readonly tokenizer: WordPieceTokenizer,
    /** The model's positions: longer texts are cut (their last tokens get no label). */
    readonly maxPositions: number,
    readonly logits: TokenLogits,
  ) {}

  tokens(text: string): PreEntity[] {
    const tok = this.tokenizer;
    const pieces = wordPieces(tok, words(text))
      .flat()
      .slice(0, this.maxPositions - 2);
    const ids = [tok.tokenToId('[CLS]')!, ...pieces.map((p) => p.id), tok.tokenToId('[SEP]')!];
    const rows = this.logits(ids);
    return pieces.map((p, k) => ({
      // the token as the tokenizer writes it; an unknown one as the text does (Hugging Face's pipeline)
      word: p.piece === tok.unkToken ? text.slice(p.start, p.end) : p.piece,
      scores: softmax(rows[k + 1]!),
      start: p.start,
      end: p.end,
      index: k + 1,
      is_subword: p.piece !== tok.unkToken && p.is_subword,
    }));
  }
}

/** config.json's id2label as a list by id. */
async function labelsOf(folder: string): Promise<string[]> {
  const file = join(folder, 'config.json');
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new ValidationError(`cannot read ${file}: ${e.code ?? e.message}`, 'model');
  });
  const { id2label } = parseJson(bytes, file) as { id2label?: Record<string, unknown> };
  if (typeof id2label !== 'object' || id2label === null)
    throw new FormatError(
      file,
      '$.id2label',
      'is needed: the names of the labels by id (a token-classification model writes it)',
    );
  const labels = Object.keys(id2label).map((_, i) => id2label[i]);
  if (labels.some((l) => typeof l !== 'string'))
    throw new FormatError(file, '$.id2label', `must name labels 0 … ${labels.length - 1}`);
  return labels as string[];
}

/** A Hugging Face BertForTokenClassification folder as a TokenClassifier (every parameter read from it). */
export async function loadBertTokenClassifier(
  folder: string,
): Promise<WordPieceTokenClassifier & { tagger: BertForTokenClassification }> {
  const labels = await labelsOf(folder);
  const bert = await BertModel.load(folder);
  const tokenizer = await loadHfTokenizer(folder);
  if (!('encodePlus' in tokenizer))
    throw new ValidationError(
      `pipeline: ${folder} has a byte-level BPE tokenizer; token-classification reads BERT folders (WordPiece)`,
      'model',
    );
  const tagger = new BertForTokenClassification(bert, tokenizer, labels);
  const fresh = bert.newlyInitialized();
  if (fresh.length)
    throw new FormatError(
      `${folder}/model.safetensors`,
      '',
      `has no tensor "${fresh[0]}"${fresh.length > 1 ? ` (nor ${fresh.length - 1} more)` : ''}: it is not a token-classification model (BertForTokenClassification)`,
    );
  // logits = h W + b, the classifier as BertForTokenClassification holds it (H × labels)
  const W = bert.tensors.get('classifier.weight')!.data;
  const b = bert.tensors.get('classifier.bias')!.data;
  const H = bert.config.hiddenSize;
  const C = labels.length;
  const logits: TokenLogits = (ids) => {
    const enc = {
      ids,
      tokens: ids.map((i) => tokenizer.idToToken(i)!),
      tokenTypeIds: ids.map(() => 0),
      attentionMask: ids.map(() => 1),
    };
    const h = bert.encode(collate([enc]), { grad: false }).data;
    return ids.map((_, t) =>
      Array.from({ length: C }, (_, c) => {
        let s = b[c]!;
        for (let j = 0; j < H; j++) s += h[t * H + j]! * W[j * C + c]!;
        return s;
      }),
    );
  };
  return Object.assign(
    new WordPieceTokenClassifier(labels, tokenizer, bert.config.maxPositionEmbeddings, logits),
    {
      tagger,
    },
  );
}

/**
 * A user's DistilBERT, RoBERTa or BERT …ForTokenClassification folder with any tokenizer it holds,
 * as Hugging Face's TokenClassificationPipeline reads it: the text framed as the post-processor
 * frames one text (cut to the model's positions), a softmax per token over id2label's labels, each
 * token's offsets (piecesWithOffsets) and `word` as the vocabulary writes it (an unknown token as
 * the text does); is_subword as HF decides it for a fast tokenizer — a WordPiece piece whose
 * written length differs from its text's ('##ing'), else a token that starts right after a
 * character that is not a space.
 */
export async function loadEncoderTokenClassifier(
  folder: string,
): Promise<TokenClassifier & { labels: readonly string[]; parameters: number }> {
  const { encoder, tokenizer, info } = await loadEncoderFolder(folder, 'token-classification');
  const frame = frameOf(tokenizer, false);
  const wordPiece = tokenizer.model.type === 'WordPiece';
  const unk = tokenizer.specialToken('unk_token');
  const max = encoderMaxTokens(encoder) - frame.specials;
  return {
    labels: encoder.labels,
    parameters: info.parameters,
    tokens(text: string): PreEntity[] {
      const pieces = piecesWithOffsets(tokenizer, text).slice(0, Math.max(0, max));
      const f = frame.build(pieces.map((p) => p.id));
      const rows = runEncoder(encoder, {
        ids: f.ids,
        tokenTypeIds: f.tokenTypeIds,
        attentionMask: f.ids.map(() => 1),
        tokens: [],
        specialTokensMask: [],
      }).logits as number[][][];
      return pieces.map((p, k) => {
        const ref = text.slice(p.start, p.end);
        return {
          word: p.piece === unk ? ref : p.piece,
          scores: softmax(rows[0]![f.aAt + k]!),
          start: p.start,
          end: p.end,
          index: f.aAt + k,
          is_subword: wordPiece
            ? p.piece !== unk && p.piece.length !== ref.length
            : p.start > 0 && !text.slice(p.start - 1, p.start + 1).includes(' '),
        };
      });
    },
  };
}
