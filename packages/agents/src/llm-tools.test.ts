import { describe, expect, it } from 'vitest';
import { courseNotesTool } from './course-tools.js';
import { promptTemplateTool, tokenizerPlaygroundTool } from './llm-tools.js';

// a JavaScript template placeholder, as a plain string
const CODE = ['$', '{process.exit(1)}'].join('');
const parse = async (p: Promise<unknown>) => JSON.parse((await p) as string);

describe('prompt_template tool', () => {
  it('fills a template, writes a few-shot prompt and a ChatML conversation', async () => {
    const t = await parse(
      promptTemplateTool.invoke({
        template: 'Translate to {language}: {text}',
        variables: { language: 'French', text: 'cat' },
      }),
    );
    expect(t).toEqual({ prompt: 'Translate to French: cat', variables: ['language', 'text'] });
    const few = await parse(
      promptTemplateTool.invoke({
        mode: 'fewShot',
        prefix: 'Give the antonym of every word.',
        examples: [{ word: 'happy', antonym: 'sad' }],
        exampleTemplate: 'Word: {word}\nAntonym: {antonym}',
        suffix: 'Word: {word}\nAntonym:',
        variables: { word: 'tall' },
      }),
    );
    expect(few.prompt).toBe(
      'Give the antonym of every word.\n\nWord: happy\nAntonym: sad\n\nWord: tall\nAntonym:',
    );
    const chat = await parse(
      promptTemplateTool.invoke({
        mode: 'chat',
        system: 'Answer in one word.',
        input: 'Capital of {c}?',
        variables: { c: 'Italy' },
        chatTemplate: 'chatml',
      }),
    );
    expect(chat.messages.at(-1)).toEqual({ role: 'user', content: 'Capital of Italy?' });
    expect(chat.prompt).toContain('<|im_start|>system\nAnswer in one word.<|im_end|>');
  });
  it('substitutes text only: a {variable} holding code stays text', async () => {
    const out = await parse(promptTemplateTool.invoke({ template: '{x}', variables: { x: CODE } }));
    expect(out.prompt).toBe(CODE);
  });
});

describe('tokenizer_playground tool', () => {
  it("counts each tokenizer's tokens, GPT-4o's included", async () => {
    const out = await parse(tokenizerPlaygroundTool.invoke({ text: 'Once upon a time' }));
    expect(out.counts['llama2c-tinystories']).toBe(4);
    expect(out.counts['gpt-4o']).toBe(4);
    expect(out.counts['char-shakespeare']).toBe(16);
    await expect(tokenizerPlaygroundTool.invoke({ text: 'x', tokenizers: [] })).rejects.toThrow(/tokenizers/);
  });
});

describe('course_notes tool', () => {
  it('answers from the shipped notes with numbered sources', async () => {
    const out = await parse(courseNotesTool.invoke({ question: 'What is BERT?' }));
    expect(out.answer).toMatch(/\[1\]/);
    expect(out.sources.map((s: { source: string }) => s.source)).toContain('bert.md');
  });
});
