/**
 * Sentiment (BERT) node: the lesson "BERT" fine-tuned — the shipped tiny BERT with a sentiment head
 * trained on SST-2 (movie-review phrases, labels negative / positive) classifies each item's text
 * from its [CLS] vector, as Hugging Face's text-classification pipeline answers:
 * { label, score } plus every label's probability.
 *
 * Thin adapter (STYLE.md): @firth/transformers' BertForSequenceClassification.predict does the work.
 */
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
} from 'n8n-workflow';
import { isTruncated, textOf, tinyBert } from '../shared/bert';
import { mapItems } from '../shared/per-item';
import { withRounded } from '../shared/rounded';

export class Sentiment implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Sentiment (BERT)',
    name: 'sentiment',
    icon: { light: 'file:sentiment.svg', dark: 'file:sentiment.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["text"] }}',
    description:
      'Positive or negative? A small BERT fine-tuned on SST-2 movie reviews, offline. Lesson: Introduction to Hugging Face',
    defaults: { name: 'Sentiment (BERT)' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Text',
        name: 'text',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'a charming and moving film',
        description: 'The text to classify (English, like a movie review); the model reads at most 64 tokens',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const text = textOf(this.getNodeParameter('text', i), 'Text');
      const model = await tinyBert();
      const { label, score, scores } = model.classifier.predict([text])[0]!;
      return {
        json: withRounded({ ...item.json, text, label, score, scores, truncated: isTruncated(model, text) }, [
          'score',
          'scores',
        ]),
        pairedItem: { item: i },
      };
    });
  }
}
