/**
 * Prompt Template node (course: "Prompt Engineering"): a template whose {variables} are the item's
 * fields, a few-shot prompt (instruction, worked examples, the new input in the same shape) or a
 * chat conversation (system prompt, examples as earlier turns, the new input) — and optionally the
 * conversation written in a chat template (ChatML, Llama-2 `[INST]`) for a completion-only model.
 *
 *   template 'Translate to {language}: {text}', item { language: 'French', text: 'cheese' }
 *   // { prompt: 'Translate to French: cheese', variables: ['language', 'text'] }
 *
 * Thin adapter: @firth/llm's formatPrompt, fewShotPrompt, chatPrompt and applyChatTemplate do the
 * work; a variable the item lacks fails that item with a message naming it.
 */
import {
  applyChatTemplate,
  type ChatMessage,
  type ChatTemplateName,
  chatPrompt,
  fewShotPrompt,
  formatPrompt,
  templateVariables,
} from '@firth/llm';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  UserError,
} from 'n8n-workflow';
import { parseJsonText } from '../shared/parameters';
import { mapItems } from '../shared/per-item';

/** A JSON parameter: the value itself (from an expression) or its JSON text; must be a list of objects. */
function readExamples(value: unknown, label: string): IDataObject[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return [];
    list = parseJsonText(value);
    if (list instanceof Error) throw new UserError(`${label} is not valid JSON: expected a list of objects`);
  }
  if (!Array.isArray(list) || !list.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)))
    throw new UserError(`${label} must be a list of objects`);
  return list as IDataObject[];
}

export class PromptTemplate implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Prompt Template',
    name: 'promptTemplate',
    icon: { light: 'file:promptTemplate.svg', dark: 'file:promptTemplate.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ $parameter["mode"] + ($parameter["chatTemplate"] !== "none" ? ", " + $parameter["chatTemplate"] : "") }}',
    description:
      "Fill a prompt's {variables} from the item: template, few-shot examples or chat messages. Lesson: Introduction to Large Language Models",
    defaults: { name: 'Prompt Template' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Mode',
        name: 'mode',
        type: 'options',
        options: [
          { name: 'Template', value: 'template', description: 'One text with {variables}' },
          {
            name: 'Few-Shot',
            value: 'fewShot',
            description: 'Instruction, worked examples, then the new input in the same shape',
          },
          {
            name: 'Chat Messages',
            value: 'chat',
            description: 'System prompt, examples as earlier user/assistant turns, the new input',
          },
        ],
        default: 'template',
      },
      {
        displayName: 'Template',
        name: 'template',
        type: 'string',
        typeOptions: { rows: 3 },
        default: 'Translate to {language}: {text}',
        displayOptions: { show: { mode: ['template'] } },
        description: "{name} is the item's field; {{ and }} are literal braces",
      },
      {
        displayName: 'Prefix',
        name: 'prefix',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'Give the antonym of every word.',
        displayOptions: { show: { mode: ['fewShot'] } },
        description: 'The instruction before the examples (may use {variables})',
      },
      {
        displayName: 'Examples',
        name: 'examples',
        type: 'json',
        default: '[{ "word": "happy", "antonym": "sad" }, { "word": "tall", "antonym": "short" }]',
        displayOptions: { show: { mode: ['fewShot'] } },
        description: "Each example's variables, written with the Example Template",
      },
      {
        displayName: 'Example Template',
        name: 'exampleTemplate',
        type: 'string',
        default: 'Word: {word}\nAntonym: {antonym}',
        displayOptions: { show: { mode: ['fewShot'] } },
      },
      {
        displayName: 'Suffix',
        name: 'suffix',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'Word: {word}\nAntonym:',
        displayOptions: { show: { mode: ['fewShot'] } },
        description: "The new input, with the item's {variables}",
      },
      {
        displayName: 'Separator',
        name: 'separator',
        type: 'string',
        default: '\n\n',
        displayOptions: { show: { mode: ['fewShot'] } },
      },
      {
        displayName: 'System Prompt',
        name: 'system',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'Answer in one word.',
        displayOptions: { show: { mode: ['chat'] } },
      },
      {
        displayName: 'Example Turns',
        name: 'turns',
        type: 'json',
        default: '[{ "input": "Capital of Italy?", "output": "Rome" }]',
        displayOptions: { show: { mode: ['chat'] } },
        description: 'A list of { "input", "output" }: earlier user and assistant turns',
      },
      {
        displayName: 'Input',
        name: 'input',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'Capital of {country}?',
        displayOptions: { show: { mode: ['chat'] } },
        description: "The new user message, with the item's {variables}",
      },
      {
        displayName: 'Chat Template',
        name: 'chatTemplate',
        type: 'options',
        options: [
          { name: 'None', value: 'none' },
          {
            name: 'ChatML',
            value: 'chatml',
            description: '&lt;|im_start|&gt;role … &lt;|im_end|&gt; (OpenAI, Qwen, many fine-tunes)',
          },
          {
            name: 'Llama 2',
            value: 'llama2',
            description: '&lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt; … &lt;&lt;/SYS&gt;&gt; … [/INST]',
          },
        ],
        default: 'none',
        description: 'Write the prompt as the one string a chat-tuned completion model reads',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return mapItems(this, async (i, item) => {
      const mode = this.getNodeParameter('mode', i) as string;
      const chatTemplate = this.getNodeParameter('chatTemplate', i, 'none') as ChatTemplateName | 'none';
      const variables = item.json;
      const json: IDataObject = { ...item.json };
      if (mode === 'chat') {
        const turns = readExamples(this.getNodeParameter('turns', i, '[]'), 'Example Turns');
        for (const [k, t] of turns.entries())
          if (typeof t.input !== 'string' || typeof t.output !== 'string')
            throw new UserError(`Example Turns: turn ${k + 1} needs "input" and "output" texts`);
        const input = String(this.getNodeParameter('input', i) ?? '');
        const messages = chatPrompt(
          {
            system: String(this.getNodeParameter('system', i, '') ?? ''),
            examples: turns as { input: string; output: string }[],
            input,
          },
          variables,
        );
        json.messages = messages as unknown as IDataObject[];
        json.variables = templateVariables(input);
        if (chatTemplate !== 'none') json.prompt = applyChatTemplate(messages, chatTemplate);
      } else {
        let prompt: string;
        if (mode === 'fewShot') {
          const prefix = String(this.getNodeParameter('prefix', i, '') ?? '');
          const suffix = String(this.getNodeParameter('suffix', i) ?? '');
          prompt = fewShotPrompt(
            {
              prefix,
              examples: readExamples(this.getNodeParameter('examples', i), 'Examples'),
              exampleTemplate: String(this.getNodeParameter('exampleTemplate', i) ?? ''),
              suffix,
              separator: String(this.getNodeParameter('separator', i, '\n\n') ?? ''),
            },
            variables,
          );
          json.variables = [...new Set([...templateVariables(prefix), ...templateVariables(suffix)])];
        } else {
          const template = String(this.getNodeParameter('template', i) ?? '');
          prompt = formatPrompt(template, variables);
          json.variables = templateVariables(template);
        }
        const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
        json.prompt = chatTemplate === 'none' ? prompt : applyChatTemplate(messages, chatTemplate);
      }
      return { json, pairedItem: { item: i } };
    });
  }
}
