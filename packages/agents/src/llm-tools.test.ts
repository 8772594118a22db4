import { answerWithSources, askCourseNotes } from '@firth/rag';
import type { ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { type CourseNotesResult, courseNotesTool } from './course-tools.js';
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
  it('the model reads prose: the answer, each sentence citing its passage, then the numbered sources', async () => {
    const text = (await courseNotesTool.invoke({ question: 'What is BERT?' })) as string;
    const { answer, sources } = await askCourseNotes('What is BERT?');
    expect(text).toBe(answerWithSources({ answer, sources }));
    expect(text).toMatch(/^BERT \(Bidirectional Encoder Representations from Transformers\) is .* \[\d\] /);
    expect(text).toContain('\n\nSources:\n');
    expect(text).toMatch(/^- \[\d\] bert\.md — BERT > What it is$/m);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('as a tool call: the message holds the prose, its artifact the question, answer and sources', async () => {
    const message = (await courseNotesTool.invoke({
      type: 'tool_call',
      id: 'call_1',
      name: 'course_notes',
      args: { question: 'What is BERT?' },
    })) as ToolMessage;
    const artifact = message.artifact as CourseNotesResult;
    expect(message.content).toBe(answerWithSources(artifact));
    expect(artifact.question).toBe('What is BERT?');
    expect(artifact.sources).toContainEqual(
      expect.objectContaining({ source: 'bert.md', section: 'BERT > What it is' }),
    );
    expect(new Set(artifact.sources.map((s) => s.n)).size).toBe(artifact.sources.length);
  });
});
