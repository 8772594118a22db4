import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FormatError, ValidationError } from './base.js';
import { renderChatTemplate } from './chat-template.js';
import { autoTokenizerFromFiles } from './hf-auto.js';
import { loadAutoTokenizer } from './hf-folder.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

describe('chat templates from tokenizer_config.json, rendered with @huggingface/jinja', async () => {
  const llama = await loadAutoTokenizer(fixture('hf-tok-llama3'));
  const zephyr = await loadAutoTokenizer(fixture('hf-tok-zephyr'));
  const pirate = [
    { role: 'system', content: 'You are a friendly chatbot who always responds in the style of a pirate' },
    { role: 'user', content: 'How many helicopters can a human eat in one sitting?' },
  ];

  it("Llama 3 Instruct: Meta's documented prompt format (bos_token from the config, content trimmed)", () => {
    const text = llama.applyChatTemplate(
      [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: '  What is 1+1? ' },
      ],
      { add_generation_prompt: true },
    );
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 1+1?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    // without the generation prompt the text ends after the last turn
    expect(llama.applyChatTemplate([{ role: 'user', content: 'Hi' }])).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>',
    );
    // the template wrote <|begin_of_text|>: encoding it must not add a second one
    const ids = llama.encode(text, { addSpecialTokens: false });
    expect(ids.filter((id) => id === llama.tokenToId('<|begin_of_text|>'))).toHaveLength(1);
    expect(llama.tokenize(text).slice(0, 3)).toEqual(['<|begin_of_text|>', '<|start_header_id|>', 's']);
  });

  it("Zephyr (a named list's default): the output shown in 🤗 Transformers' chat templating guide", () => {
    expect(zephyr.applyChatTemplate(pirate, { add_generation_prompt: true })).toBe(
      '<|system|>\nYou are a friendly chatbot who always responds in the style of a pirate</s>\n' +
        '<|user|>\nHow many helicopters can a human eat in one sitting?</s>\n' +
        '<|assistant|>\n',
    );
  });

  it('tools pick the "tool_use" template; tojson writes them as Python\'s json.dumps', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { city: 'string' } } }];
    expect(
      zephyr.applyChatTemplate([{ role: 'user', content: 'Weather in Oslo?' }], {
        tools,
        add_generation_prompt: true,
      }),
    ).toBe(
      '<|im_start|>system\nTools:\n' +
        '{"type": "function", "function": {"name": "get_weather", "parameters": {"city": "string"}}}<|im_end|>\n' +
        '<|im_start|>user\nWeather in Oslo?<|im_end|>\n<|im_start|>assistant\n',
    );
    // a name picks a template; any other string is a template text
    expect(zephyr.applyChatTemplate([{ role: 'user', content: 'x' }], { chat_template: 'tool_use' })).toBe(
      '<|im_start|>user\nx<|im_end|>\n',
    );
    expect(
      zephyr.applyChatTemplate([{ role: 'user', content: 'x' }], {
        chat_template: '{{ bos_token }}{{ messages[0].content | upper }}{{ suffix }}',
        suffix: '!',
      }),
    ).toBe('<s>X!');
  });

  it('chat_template.jinja is read when tokenizer_config.json has no template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-chat-'));
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(fixture('hf-tok-t5'), 'tokenizer.json')));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '</s>' }));
    writeFileSync(
      join(dir, 'chat_template.jinja'),
      "{% for m in messages %}{{ m['content'] + eos_token }}{% endfor %}",
    );
    const tok = await loadAutoTokenizer(dir);
    expect(
      tok.applyChatTemplate([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
      ]),
    ).toBe('a</s>b</s>');
    expect(() =>
      tok.applyChatTemplate([{ role: 'user', content: 'a' }], {
        chat_template: '{{ raise_exception("no") }}',
      }),
    ).toThrow('options.chat_template failed to render: no');
  });

  it('errors name the file: no template, a template that does not parse, one that raises', () => {
    const t5 = readFileSync(join(fixture('hf-tok-t5'), 'tokenizer.json'), 'utf8');
    const withConfig = (config: unknown) =>
      autoTokenizerFromFiles(
        { 'tokenizer.json': t5, 'tokenizer_config.json': JSON.stringify(config) },
        'models/t5',
      );
    expect(() => withConfig({}).applyChatTemplate([{ role: 'user', content: 'a' }])).toThrow(
      /tokenizer_config.json has no chat_template/,
    );
    expect(() =>
      withConfig({ chat_template: '{% for %}' }).applyChatTemplate([{ role: 'user', content: 'a' }]),
    ).toThrow(FormatError);
    expect(() =>
      withConfig({ chat_template: '{% for %}' }).applyChatTemplate([{ role: 'user', content: 'a' }]),
    ).toThrow(/^tokenizer_config.json: \$.chat_template is not a template @huggingface\/jinja can parse/);
    const alternate =
      "{% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{{ m['content'] }}{% endfor %}";
    expect(() =>
      withConfig({ chat_template: alternate }).applyChatTemplate([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]),
    ).toThrow('tokenizer_config.json $.chat_template failed to render: Conversation roles must alternate');
    expect(() => withConfig({ chat_template: 7 }).applyChatTemplate([])).toThrow(
      'tokenizer_config.json: $.chat_template must be a template string or a list of { "name", "template" }',
    );
    expect(() =>
      withConfig({ chat_template: [{ name: 'tool_use', template: 'x' }] }).applyChatTemplate([
        { role: 'user', content: 'a' },
      ]),
    ).toThrow('tokenizer_config.json has no default chat_template; its templates are tool_use');
    expect(() => zephyrBad()).toThrow(ValidationError);
    function zephyrBad() {
      return zephyr.applyChatTemplate([{ content: 'no role' } as never]);
    }
    expect(() =>
      renderChatTemplate({ chat_template: "{{ raise_exception('boom') }}", file: 'chat_template.jinja' }, []),
    ).toThrow('chat_template.jinja failed to render: boom');
    expect(() => renderChatTemplate({ chat_template: 'x' }, 'hi' as never)).toThrow(
      'messages must be an array of { role, content }',
    );
  });
});
