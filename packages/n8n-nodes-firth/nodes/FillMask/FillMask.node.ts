/**
 * Fill Mask node: the lesson "BERT" — a masked language model guesses the hidden word. The shipped
 * tiny BERT (pretrained with masked LM + next-sentence prediction, then fine-tuned on SST-2) ranks
 * its 4,000 WordPiece tokens for each [MASK] of a text, in Hugging Face's fill-mask shape
 * ({ score, token, token_str, sequence }), best first.
 *
 * Thin adapter (STYLE.md): @firth/transformers' BertForPreTraining.fillMask does the work.
 */
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import { textOf, tinyBert } from '../shared/bert';
import { mapItems } from '../shared/per-item';
import { withRounded } from '../shared/rounded';

export class FillMask implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Fill Mask',
    name: 'fillMask',
    icon: { light: 'file:fillMask.svg', dark: 'file:fillMask.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["text"] }}',
    description:
      "Guess the word behind [MASK] with a small pretrained BERT (Hugging Face's fill-mask). Lesson: Contextual Word Embeddings (BERT and GPT)",
    defaults: { name: 'Fill Mask' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Text',
        name: 'text',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'he went to the [MASK] to deposit money .',
        description:
          'A text with [MASK] (in capitals) where the word to guess goes; several masks are guessed each on its own',
      },
      {
        displayName: 'Top K',
        name: 'topK',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 5,
        description: 'How many guesses per [MASK], most likely first',
      },
      {
        displayName: 'Output',
        name: 'output',
        type: 'options',
        options: [
          {
            name: 'One Item per Text',
            value: 'perText',
            description: 'The predictions as an array, with the best completed sequence',
          },
          {
            name: 'One Item per Prediction',
            value: 'perPrediction',
            description: "Each guess as its own item, with its rank (Hugging Face's output rows)",
          },
        ],
        default: 'perText',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const text = textOf(this.getNodeParameter('text', i), 'Text');
      if (!text.includes('[MASK]'))
        throw new UserError(
          /\[mask\]/i.test(text)
            ? `Text has no [MASK]: the mask token is written in capitals, "[MASK]"`
            : `Text has no [MASK]: put [MASK] where the word to guess goes, e.g. "he went to the [MASK] to deposit money ."`,
        );
      const topK = this.getNodeParameter('topK', i) as number;
      if (!Number.isInteger(topK) || topK < 1)
        throw new UserError(`Top K must be a positive whole number, got ${topK}`);
      const { pretrainer } = await tinyBert();
      const predictions = pretrainer.fillMask(text, { topK });
      const best = predictions[0]!;
      if (this.getNodeParameter('output', i, 'perText') === 'perPrediction') {
        // One Item per Prediction: the input's fields, the text, the guess and its rank among its mask's
        const rest: INodeExecutionData['json'] = { ...item.json, text };
        for (const key of ['predictions', 'sequence', 'token_str', 'score', 'rounded']) delete rest[key];
        const ranks = new Map<number, number>();
        return predictions.map((p) => {
          const rank = (ranks.get(p.maskIndex) ?? 0) + 1;
          ranks.set(p.maskIndex, rank);
          return { json: withRounded({ ...rest, rank, ...p }, ['score']), pairedItem: { item: i } };
        });
      }
      return {
        json: withRounded(
          {
            ...item.json,
            text,
            predictions: predictions.map((p) => ({ ...p })),
            sequence: best.sequence,
            token_str: best.token_str,
            score: best.score,
          },
          ['score', 'predictions'],
        ),
        pairedItem: { item: i },
      };
    });
  }
}
